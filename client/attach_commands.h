// Attachments: attach, detach, attachments.
#ifndef BPFWARDEN_CLIENT_ATTACH_COMMANDS_H_
#define BPFWARDEN_CLIENT_ATTACH_COMMANDS_H_

#include "client/command.h"

namespace bpfwarden::cli {

extern const Command kAttachCommand;
extern const Command kDetachCommand;
extern const Command kAttachmentsCommand;

// ATTACHED TO: the unit (and its cgroup, or "waiting") or the cgroup.
std::string AttachPoint(const v1::AttachmentInfo& a);

}  // namespace bpfwarden::cli

#endif  // BPFWARDEN_CLIENT_ATTACH_COMMANDS_H_
