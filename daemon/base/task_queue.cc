#include "daemon/base/task_queue.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace bpfwarden {

TaskQueue::TaskQueue(std::string name, int threads, size_t max_waiting)
    : name_(std::move(name)), max_waiting_(max_waiting) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

TaskQueue::~TaskQueue() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

absl::Status TaskQueue::Post(absl::AnyInvocable<void() &&> task) {
  absl::MutexLock lock(&mu_);
  if (tasks_.size() >= max_waiting_) {
    return absl::ResourceExhaustedError(
        absl::StrCat(name_, ": ", tasks_.size(),
                     " calls wait already, the most it queues; retry later"));
  }
  tasks_.push_back(std::move(task));
  return absl::OkStatus();
}

size_t TaskQueue::waiting() const {
  absl::MutexLock lock(&mu_);
  return tasks_.size();
}

void TaskQueue::Run() {
  auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || !tasks_.empty();
  };
  for (;;) {
    absl::AnyInvocable<void() &&> task;
    {
      absl::MutexLock lock(&mu_, absl::Condition(&has_work));
      if (tasks_.empty()) return;  // stopping, and nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    std::move(task)();
  }
}

}  // namespace bpfwarden
