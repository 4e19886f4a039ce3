#include "daemon/base/work_pool.h"

#include <algorithm>

namespace bpfwarden {

// One ParallelFor call. It lives on its caller's stack: the pool's threads
// touch it only under mu_, and the caller returns only once it left the
// queue and every chunk is done, so no thread can reach it afterwards.
struct WorkPool::Job {
  absl::FunctionRef<void(size_t, size_t)> fn;
  size_t n;
  size_t chunk_size;
  size_t chunks;
  size_t next = 0;  // the next chunk to claim
  size_t done = 0;  // chunks finished
};

WorkPool::WorkPool(int threads) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

WorkPool::~WorkPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

int WorkPool::DefaultThreads() {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(cores - 1, 0, 3);
}

bool WorkPool::Claim(Job*& job, size_t& chunk) {
  while (!queue_.empty()) {
    Job* front = queue_.front();
    if (front->next < front->chunks) {
      job = front;
      chunk = front->next++;
      return true;
    }
    queue_.pop_front();  // every chunk taken; its caller waits for them
  }
  return false;
}

void WorkPool::RunChunk(Job& job, size_t chunk) {
  const size_t begin = chunk * job.chunk_size;
  const size_t end = std::min(job.n, begin + job.chunk_size);
  job.fn(begin, end);
}

bool WorkPool::HasWorkOrStopping() const {
  return stopping_ || !queue_.empty();
}

void WorkPool::Run() {
  absl::MutexLock lock(&mu_);
  while (true) {
    mu_.Await(absl::Condition(this, &WorkPool::HasWorkOrStopping));
    Job* job = nullptr;
    size_t chunk = 0;
    if (!Claim(job, chunk)) {
      if (stopping_) return;
      continue;
    }
    mu_.Unlock();
    RunChunk(*job, chunk);
    mu_.Lock();
    ++job->done;  // the last touch: its caller may return once it sees it
  }
}

void WorkPool::ParallelFor(size_t n, size_t min_chunk,
                           absl::FunctionRef<void(size_t, size_t)> fn) {
  if (n == 0) return;
  min_chunk = std::max<size_t>(min_chunk, 1);
  const size_t parts = std::min(threads_.size() + 1, n / min_chunk);
  if (parts <= 1) {
    fn(0, n);
    return;
  }
  const size_t chunk_size = (n + parts - 1) / parts;
  Job job{fn, n, chunk_size, (n + chunk_size - 1) / chunk_size};
  absl::MutexLock lock(&mu_);
  queue_.push_back(&job);
  // The caller takes chunks too, so the loop finishes even when every pool
  // thread is busy with other callers' work.
  while (job.next < job.chunks) {
    const size_t chunk = job.next++;
    mu_.Unlock();
    RunChunk(job, chunk);
    mu_.Lock();
    ++job.done;
  }
  // Out of the queue before waiting (a pool thread may have popped it).
  auto it = std::find(queue_.begin(), queue_.end(), &job);
  if (it != queue_.end()) queue_.erase(it);
  mu_.Await(absl::Condition(
      +[](Job* j) { return j->done == j->chunks; }, &job));
}

}  // namespace bpfwarden

namespace bpfwarden {

void WorkPool::RunBoth(absl::FunctionRef<void()> here,
                       absl::FunctionRef<void()> there) {
  // ParallelFor's caller claims chunk 0 in the same lock hold that queues
  // the job, so chunk 0 (`here`) is always the caller's.
  ParallelFor(2, 1, [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) (i == 0 ? here : there)();
  });
}

}  // namespace bpfwarden
