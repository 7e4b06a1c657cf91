// Multi-process test harness: child processes, free loopback ports, a Mosquitto of our
// own on a free port, a minimal HTTP client, and waiting on a condition with a deadline
// (never sleeping as synchronisation). Loopback only.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace wm::tests {

// A child process; killed (SIGKILL) when destroyed if still running.
class Process {
 public:
  Process(const std::string& program, const std::vector<std::string>& args,
          const std::string& log_file);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends `sig` and waits up to `timeout` for the exit; returns the exit status or -1.
  int stop(int sig, std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

std::uint16_t free_port();
std::string make_temp_dir();
std::string read_text(const std::string& path);

// Polls `cond` every 20 ms until true or `timeout`; returns the last result.
bool wait_until(const std::function<bool()>& cond,
                std::chrono::milliseconds timeout = std::chrono::seconds(15));

// Mosquitto with the project's deploy/mosquitto.conf.in on 127.0.0.1:port, data in dir.
class Broker {
 public:
  Broker(std::string dir, std::uint16_t port);
  void start();
  void stop();  // SIGTERM: the broker saves its persistent sessions
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }

 private:
  std::string dir_;
  std::uint16_t port_;
  std::unique_ptr<Process> process_;
};

struct HttpResult {
  int status = 0;  // 0: no answer
  std::string body;
};
// One HTTP/1.1 request to 127.0.0.1:port with Connection: close.
HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::map<std::string, std::string>& headers = {},
                        const std::string& body = "");
bool port_open(std::uint16_t port);

}  // namespace wm::tests
