// A fixed set of threads running posted tasks in order, with a bound on the
// tasks waiting: a post beyond it is refused (RESOURCE_EXHAUSTED), so
// callers cannot make it spend more threads or memory than it was built
// with. For work that must not run on another library's threads (gRPC's
// callback threads), e.g. a verifier run or one page of a dump.
#ifndef BPFWARDEN_DAEMON_BASE_TASK_QUEUE_H_
#define BPFWARDEN_DAEMON_BASE_TASK_QUEUE_H_

#include <cstddef>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace bpfwarden {

class TaskQueue {
 public:
  // `name` goes into the refusal's message.
  TaskQueue(std::string name, int threads, size_t max_waiting);
  // Runs the tasks still waiting, then joins the threads.
  ~TaskQueue();
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  // Queues `task`, or refuses it (RESOURCE_EXHAUSTED, `task` not run) when
  // `max_waiting` tasks wait already.
  absl::Status Post(absl::AnyInvocable<void() &&> task);

  // Tasks waiting (not yet started).
  size_t waiting() const;

 private:
  void Run();

  const std::string name_;
  const size_t max_waiting_;
  mutable absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_TASK_QUEUE_H_
