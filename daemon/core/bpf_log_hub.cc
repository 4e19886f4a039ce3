#include "daemon/core/bpf_log_hub.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "daemon/base/errno_status.h"
#include "daemon/base/libbpf_ptr.h"
#include "daemon/base/log.h"

namespace bpfwarden {

struct BpfLogHub::Reader {
  BpfLogHub* hub = nullptr;
  std::string set;
  std::shared_ptr<const LogSites> sites;
  std::shared_ptr<BpfLogChannel> channel;
  UniqueFd ring_fd;   // dups: the reader does not depend on the object
  UniqueFd drops_fd;  // -1 when the object has no bw_log_drops
  RingBufferPtr ring;
  uint64_t received = 0;
  uint64_t drops_warned = 0;  // the count at the last warning

  uint64_t ReadDrops() const {
    if (!drops_fd) return 0;
    std::vector<uint64_t> per_cpu(libbpf_num_possible_cpus());
    uint32_t zero = 0;
    if (bpf_map_lookup_elem(drops_fd.get(), &zero, per_cpu.data()) != 0) {
      return 0;
    }
    uint64_t sum = 0;
    for (uint64_t v : per_cpu) sum += v;
    return sum;
  }
};

namespace {

UniqueFd DupMapFd(const bpf_object* obj, const char* name) {
  const bpf_map* map = bpf_object__find_map_by_name(obj, name);
  if (map == nullptr || bpf_map__fd(map) < 0) return UniqueFd();
  return UniqueFd(::fcntl(bpf_map__fd(map), F_DUPFD_CLOEXEC, 0));
}

}  // namespace

absl::StatusOr<std::unique_ptr<BpfLogHub>> BpfLogHub::Create(
    BpfLogHubOptions options) {
  UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll) return ErrnoStatus(errno, "epoll_create1 for BPF logs");
  UniqueFd wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake) return ErrnoStatus(errno, "eventfd for BPF logs");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;
  if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, wake.get(), &ev) != 0) {
    return ErrnoStatus(errno, "epoll_ctl for BPF logs");
  }
  std::unique_ptr<BpfLogHub> hub(
      new BpfLogHub(std::move(options), std::move(epoll), std::move(wake)));
  hub->thread_ = std::thread([h = hub.get()] { h->Run(); });
  return hub;
}

BpfLogHub::BpfLogHub(BpfLogHubOptions options, UniqueFd epoll, UniqueFd wake)
    : backlog_(options.backlog),
      sink_(options.sink ? std::move(options.sink)
                         : std::make_unique<StderrBpfLogSink>()),
      epoll_(std::move(epoll)),
      wake_(std::move(wake)) {}

BpfLogHub::~BpfLogHub() {
  const uint64_t one = 1;
  if (::write(wake_.get(), &one, sizeof(one)) < 0) {
    BPFWARDEN_LOG(ERROR) << "BPF log thread: cannot wake it to stop";
  }
  if (thread_.joinable()) thread_.join();
}

absl::Status BpfLogHub::Add(const std::string& set, const bpf_object* obj,
                            std::shared_ptr<const LogSites> sites) {
  auto reader = std::make_unique<Reader>();
  reader->ring_fd = DupMapFd(obj, "bw_log");
  if (!reader->ring_fd) {
    Remove(set);  // a reload without logs
    return absl::OkStatus();
  }
  reader->hub = this;
  reader->set = set;
  reader->sites = std::move(sites);
  reader->drops_fd = DupMapFd(obj, "bw_log_drops");
  reader->ring.reset(ring_buffer__new(reader->ring_fd.get(), &OnRecord,
                                      reader.get(), nullptr));
  if (!reader->ring) {
    return ErrnoStatus(errno,
                       absl::StrCat("set ", set, ": read ring buffer bw_log"));
  }
  absl::MutexLock lock(&mu_);
  std::shared_ptr<BpfLogChannel> channel;
  if (auto it = keys_.find(set); it != keys_.end()) {
    Reader& old = *readers_[it->second];
    channel = old.channel;
    reader->received = old.received;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL,
                ring_buffer__epoll_fd(old.ring.get()), nullptr);
    readers_.erase(it->second);
    keys_.erase(it);
  } else {
    channel = std::make_shared<BpfLogChannel>(backlog_);
  }
  reader->channel = std::move(channel);
  reader->drops_warned = reader->ReadDrops();
  const uint64_t key = next_key_++;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = key;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD,
                  ring_buffer__epoll_fd(reader->ring.get()), &ev) != 0) {
    reader->channel->Close();
    return ErrnoStatus(errno, absl::StrCat("set ", set, ": epoll bw_log"));
  }
  keys_[set] = key;
  readers_[key] = std::move(reader);
  return absl::OkStatus();
}

void BpfLogHub::Remove(const std::string& set) {
  std::unique_ptr<Reader> gone;
  {
    absl::MutexLock lock(&mu_);
    auto it = keys_.find(set);
    if (it == keys_.end()) return;
    auto r = readers_.find(it->second);
    gone = std::move(r->second);
    readers_.erase(r);
    keys_.erase(it);
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL,
                ring_buffer__epoll_fd(gone->ring.get()), nullptr);
    // What is already in the ring still reaches the readers.
    ring_buffer__consume(gone->ring.get());
  }
  gone->channel->Close();
}

absl::StatusOr<std::shared_ptr<BpfLogChannel>> BpfLogHub::Channel(
    absl::string_view set) const {
  absl::MutexLock lock(&mu_);
  auto it = keys_.find(set);
  if (it == keys_.end()) {
    return absl::NotFoundError(
        absl::StrCat("program set ", set, " is not loaded or has no bw_log ",
                     "ring buffer (bpf/include/bpfwarden/log.h)"));
  }
  return readers_.at(it->second)->channel;
}

std::map<std::string, uint64_t> BpfLogHub::Drops() const {
  absl::MutexLock lock(&mu_);
  std::map<std::string, uint64_t> out;
  for (const auto& [key, reader] : readers_)
    out[reader->set] = reader->ReadDrops();
  return out;
}

std::map<std::string, uint64_t> BpfLogHub::Received() const {
  absl::MutexLock lock(&mu_);
  std::map<std::string, uint64_t> out;
  for (const auto& [key, reader] : readers_)
    out[reader->set] = reader->received;
  return out;
}

size_t BpfLogHub::Readers() const {
  absl::MutexLock lock(&mu_);
  return readers_.size();
}

void BpfLogHub::Run() {
  absl::Time last_check = absl::Now();
  while (true) {
    epoll_event events[16];
    const int n = ::epoll_wait(epoll_.get(), events, 16, 1000);
    if (n < 0 && errno != EINTR) {
      BPFWARDEN_LOG(ERROR) << "BPF log thread: epoll_wait: "
                           << std::strerror(errno) << "; it stops";
      return;
    }
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == 0) return;  // woken to stop
      ConsumeReady(events[i].data.u64);
    }
    if (absl::Now() - last_check >= absl::Seconds(1)) {
      last_check = absl::Now();
      WarnDrops();
    }
  }
}

void BpfLogHub::ConsumeReady(uint64_t key) {
  absl::MutexLock lock(&mu_);
  auto it = readers_.find(key);
  if (it == readers_.end()) return;  // removed meanwhile
  if (ring_buffer__consume(it->second->ring.get()) < 0) {
    BPFWARDEN_LOG(ERROR) << "set " << it->second->set
                         << ": reading bw_log failed";
  }
}

void BpfLogHub::WarnDrops() {
  absl::MutexLock lock(&mu_);
  for (auto& [key, reader] : readers_) {
    const uint64_t drops = reader->ReadDrops();
    if (drops <= reader->drops_warned) continue;
    BPFWARDEN_LOG(WARNING) << "set " << reader->set << ": "
                           << drops - reader->drops_warned
                           << " BPF log records dropped in the last second "
                           << "(ring buffer bw_log full; " << drops
                           << " in all)";
    reader->drops_warned = drops;
  }
}

int BpfLogHub::OnRecord(void* ctx, void* data, size_t size) {
  Reader& reader = *static_cast<Reader*>(ctx);
  ++reader.received;
  uint32_t id = 0;
  if (size >= sizeof(id)) std::memcpy(&id, data, sizeof(id));
  auto site = reader.sites->find(id);
  if (site == reader.sites->end()) {
    BPFWARDEN_LOG(WARNING) << "set " << reader.set
                           << ": BPF log record of unknown site " << id;
    return 0;
  }
  absl::StatusOr<std::string> message = FormatLogRecord(
      site->second, absl::string_view(static_cast<const char*>(data), size));
  if (!message.ok()) {
    BPFWARDEN_LOG(WARNING) << "set " << reader.set << ": " << message.status();
    return 0;
  }
  BpfLogEntry entry;
  entry.time = absl::Now();
  entry.level = site->second.level;
  entry.set = reader.set;
  entry.program = site->second.function;
  entry.site = site->second.Where();
  entry.message = *std::move(message);
  reader.hub->sink_->Write(entry);
  reader.channel->Append(std::move(entry));
  return 0;
}

}  // namespace bpfwarden
