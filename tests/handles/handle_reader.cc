// handle_reader: a read-handle client for tests that run it as another uid
// (nobody). Exit status: the daemon's answer code (0 OK); stdout: what was
// read and what the kernel said; stderr: the daemon's message.
//
//   handle_reader SOCKET open SET MAP
//     Asks for the handle, then through it prints "keys:" and the entries
//     (map_text.h) read key by key, "batch:" and the entries read in
//     batches, "update=ERRNO" and "delete=ERRNO" for the first entry (OK
//     when the kernel allowed it), and "type=... key_size=N value_bytes=N".
//   handle_reader SOCKET pin PATH
//     Opens the pinned map read-only itself: "obj_get=ERRNO" (or OK).
//   handle_reader SOCKET flood N SET MAP
//     N requests on one connection, each descriptor closed at once; prints
//     "code=C count=K" for each answer code seen.
//   handle_reader SOCKET repin SET MAP DIR
//     Asks for the handle, then in a user and mount namespace of its own
//     mounts a bpffs on DIR, pins the descriptor there and opens the pin
//     read-write: "mount=.. pin=.. reopen=.. update=.." (ERRNO or OK), to
//     see whether a read handle can be turned into a writable one.
//   handle_reader SOCKET time N SET MAP
//     Asks for the handle, then looks the map's first key up N times
//     through it: "lookups=N ns_per_lookup=X" (a rough figure; bench/ has
//     the real ones).
//   handle_reader SOCKET hold N
//     Opens N connections that send nothing; prints "refused=K", how many
//     the daemon answered at once (RESOURCE_EXHAUSTED) and closed.
#include <bpf/bpf.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "client/handles/handle_client.h"
#include "tests/handles/map_text.h"

namespace {

std::string ErrnoName(int r) {
  if (r == 0) return "OK";
  const char* name = strerrorname_np(errno);
  return name != nullptr ? name : std::to_string(errno);
}

int Open(const std::string& socket, const std::string& set,
         const std::string& map) {
  auto client = bpfwarden::client::HandleClient::Connect(socket);
  if (!client.ok()) {
    std::cerr << client.status() << "\n";
    return 14;
  }
  auto handle = client->Open(set, map);
  if (!handle.ok()) {
    std::cerr << handle.status().message() << "\n";
    return static_cast<int>(handle.status().code());
  }
  const bpfwarden::v1::MapInfo& info = handle->map;
  const size_t value_bytes =
      info.per_cpu() ? ((info.value_size() + 7) / 8 * 8) * info.possible_cpus()
                     : info.value_size();
  std::cout << "type=" << info.type() << " key_size=" << info.key_size()
            << " value_bytes=" << value_bytes << "\n";
  const int fd = handle->fd.get();
  auto keys = bpfwarden::testing::EntriesByKeys(fd, info.key_size(),
                                                value_bytes);
  std::cout << "keys:\n" << (keys.ok() ? *keys : keys.status().ToString());
  auto batch = bpfwarden::testing::EntriesByBatch(fd, info.key_size(),
                                                  value_bytes);
  std::cout << "batch:\n" << (batch.ok() ? *batch : batch.status().ToString());
  std::vector<char> key(info.key_size()), value(value_bytes);
  if (bpf_map_get_next_key(fd, nullptr, key.data()) == 0 &&
      bpf_map_lookup_elem(fd, key.data(), value.data()) == 0) {
    std::cout << "update="
              << ErrnoName(bpf_map_update_elem(fd, key.data(), value.data(),
                                               BPF_ANY))
              << "\n";
    std::cout << "delete=" << ErrnoName(bpf_map_delete_elem(fd, key.data()))
              << "\n";
  }
  return 0;
}

int Flood(const std::string& socket, int n, const std::string& set,
          const std::string& map) {
  auto client = bpfwarden::client::HandleClient::Connect(socket);
  if (!client.ok()) {
    std::cerr << client.status() << "\n";
    return 14;
  }
  bpfwarden::v1::HandleRequest request;
  request.mutable_map()->set_program_set(set);
  request.mutable_map()->set_map(map);
  const std::string payload = request.SerializeAsString();
  std::map<int, int> codes;
  for (int i = 0; i < n; ++i) {
    bpfwarden::UniqueFd fd;
    auto response = client->Exchange(payload, &fd);
    if (!response.ok()) {
      std::cerr << "request " << i << ": " << response.status() << "\n";
      return 14;
    }
    ++codes[response->code()];
  }
  for (const auto& [code, count] : codes) {
    std::cout << "code=" << code << " count=" << count << "\n";
  }
  return 0;
}

bool WriteFile(const std::string& path, const std::string& text) {
  FILE* f = fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  const bool ok = fputs(text.c_str(), f) >= 0;
  return fclose(f) == 0 && ok;
}

int Repin(const std::string& socket, const std::string& set,
          const std::string& map, const std::string& dir) {
  auto client = bpfwarden::client::HandleClient::Connect(socket);
  if (!client.ok()) return 14;
  auto handle = client->Open(set, map);
  if (!handle.ok()) {
    std::cerr << handle.status().message() << "\n";
    return static_cast<int>(handle.status().code());
  }
  const uid_t uid = getuid();
  const gid_t gid = getgid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
    std::cout << "unshare=" << ErrnoName(-1) << "\n";
    return 0;
  }
  WriteFile("/proc/self/setgroups", "deny");
  WriteFile("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
  WriteFile("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
  std::cout << "mount="
            << ErrnoName(mount("bpf", dir.c_str(), "bpf", 0, nullptr)) << "\n";
  const std::string pin = dir + "/m";
  std::cout << "pin=" << ErrnoName(bpf_obj_pin(handle->fd.get(), pin.c_str()))
            << "\n";
  const int rw = bpf_obj_get(pin.c_str());
  std::cout << "reopen=" << ErrnoName(rw < 0 ? -1 : 0) << "\n";
  if (rw >= 0) {
    const bpfwarden::v1::MapInfo& info = handle->map;
    std::vector<char> key(info.key_size()), value(info.value_size());
    std::cout << "update="
              << ErrnoName(bpf_map_update_elem(rw, key.data(), value.data(),
                                               BPF_ANY))
              << "\n";
  }
  return 0;
}

int Time(const std::string& socket, int n, const std::string& set,
         const std::string& map) {
  auto client = bpfwarden::client::HandleClient::Connect(socket);
  if (!client.ok()) return 14;
  auto handle = client->Open(set, map);
  if (!handle.ok()) {
    std::cerr << handle.status().message() << "\n";
    return static_cast<int>(handle.status().code());
  }
  const bpfwarden::v1::MapInfo& info = handle->map;
  const size_t value_bytes =
      info.per_cpu() ? ((info.value_size() + 7) / 8 * 8) * info.possible_cpus()
                     : info.value_size();
  std::vector<char> key(info.key_size()), value(value_bytes);
  if (bpf_map_get_next_key(handle->fd.get(), nullptr, key.data()) != 0) {
    std::cerr << "the map is empty\n";
    return 5;
  }
  const absl::Time start = absl::Now();
  for (int i = 0; i < n; ++i) {
    if (bpf_map_lookup_elem(handle->fd.get(), key.data(), value.data()) != 0) {
      std::cerr << "lookup: " << ErrnoName(-1) << "\n";
      return 13;
    }
  }
  const double ns = absl::ToDoubleNanoseconds(absl::Now() - start) / n;
  std::cout << "lookups=" << n << " ns_per_lookup=" << static_cast<int>(ns)
            << "\n";
  return 0;
}

int Hold(const std::string& socket, int n) {
  std::vector<bpfwarden::client::HandleClient> held;
  int refused = 0;
  for (int i = 0; i < n; ++i) {
    auto client =
        bpfwarden::client::HandleClient::Connect(socket, absl::Seconds(1));
    if (!client.ok()) {
      ++refused;
      continue;
    }
    held.push_back(*std::move(client));
  }
  // A refused connection has its answer waiting, then end of file.
  for (auto& client : held) {
    auto header = bpfwarden::client::ReceiveExactly(
        client.fd(), 4, nullptr);
    if (header.ok()) ++refused;
  }
  std::cout << "refused=" << refused << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[2]) == "open") {
    return Open(argv[1], argv[3], argv[4]);
  }
  if (argc == 4 && std::string(argv[2]) == "pin") {
    LIBBPF_OPTS(bpf_obj_get_opts, opts, .file_flags = BPF_F_RDONLY);
    const int fd = bpf_obj_get_opts(argv[3], &opts);
    std::cout << "obj_get=" << ErrnoName(fd < 0 ? -1 : 0) << "\n";
    if (fd >= 0) close(fd);
    return 0;
  }
  if (argc == 6 && std::string(argv[2]) == "flood") {
    return Flood(argv[1], std::atoi(argv[3]), argv[4], argv[5]);
  }
  if (argc == 6 && std::string(argv[2]) == "repin") {
    return Repin(argv[1], argv[3], argv[4], argv[5]);
  }
  if (argc == 6 && std::string(argv[2]) == "time") {
    return Time(argv[1], std::atoi(argv[3]), argv[4], argv[5]);
  }
  if (argc == 4 && std::string(argv[2]) == "hold") {
    return Hold(argv[1], std::atoi(argv[3]));
  }
  std::cerr << "usage: handle_reader SOCKET open SET MAP | SOCKET pin PATH\n";
  return 2;
}
