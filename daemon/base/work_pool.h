// A fixed set of threads that share a loop's work with the thread calling
// it: ParallelFor splits [0, n) into chunks, and the pool's threads and the
// caller take chunks until none is left. The pool never grows, so however
// many callers arrive at once they cost no more threads than it was built
// with; a caller that finds every pool thread busy runs its chunks itself.
#ifndef BPFWARDEN_DAEMON_BASE_WORK_POOL_H_
#define BPFWARDEN_DAEMON_BASE_WORK_POOL_H_

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"

namespace bpfwarden {

class WorkPool {
 public:
  // `threads` beyond the callers' own; 0 runs every loop on its caller.
  explicit WorkPool(int threads);
  // Joins the threads; no ParallelFor may still be running.
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // One thread fewer than the machine has cores (at least 0, at most 3):
  // with the caller that makes one per core.
  static int DefaultThreads();

  int threads() const { return static_cast<int>(threads_.size()); }

  // Runs fn(begin, end) over disjoint ranges covering [0, n), each at least
  // `min_chunk` long (but the last), possibly on several threads at once;
  // returns when every range is done. fn must not throw.
  void ParallelFor(size_t n, size_t min_chunk,
                   absl::FunctionRef<void(size_t, size_t)> fn);

  // Runs `here` on the calling thread and, at the same time, `there` on a
  // pool thread if one is free (else on the calling thread after `here`);
  // returns when both are done. `here` may block as long as it likes: it
  // never holds a pool thread.
  void RunBoth(absl::FunctionRef<void()> here, absl::FunctionRef<void()> there);

 private:
  struct Job;

  void Run();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Takes the next chunk of the front job, dropping exhausted jobs; false
  // when the queue is empty.
  bool Claim(Job*& job, size_t& chunk) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RunChunk(Job& job, size_t chunk);

  absl::Mutex mu_;
  std::deque<Job*> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace bpfwarden

#endif  // BPFWARDEN_DAEMON_BASE_WORK_POOL_H_
