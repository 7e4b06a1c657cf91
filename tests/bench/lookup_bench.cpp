// wm-bench-lookup: the load of the hotline look-up benchmark (./wm bench lookup, issue 7).
// `--agents` threads play hotline agents; each holds its own HTTP/1.1 keep-alive
// connection (plain sockets, TCP_NODELAY) and sends GET /api/v1/hotline/lookup?q= back to
// back, or with `--think-ms` between look-ups, for `--seconds`. Queries are drawn at
// random (seeded per agent) from a file of `kind<TAB>query` lines, so the file's line
// counts are the mix. Every latency is kept, from the first byte sent to the last byte
// of the body read; the first `--warmup` seconds are not counted.
//
// Prints requests, errors, throughput, latency min/p50/p90/p99/p99.9/max overall and per
// kind, how many answers found nothing, the client's own CPU per request (its overhead),
// and PASS or FAIL of p99 against `--target-p99-ms`. Exit status 0 whenever it ran: a
// benchmark reports figures; 2 when it could not run at all (bad arguments, no server).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Query {
  int kind = 0;
  std::string target;  // request target: path and percent-encoded query
};

struct Sample {
  std::int64_t latency_ns = 0;
  int kind = 0;
  bool ok = false;
  bool empty = false;  // 200 with no device, card or ticket in the answer
};

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

// One keep-alive HTTP/1.1 connection. get() returns the status (0 on a transport error,
// after which the next get() reconnects) and leaves the body in body().
class Connection {
 public:
  Connection(sockaddr_in addr, std::string host) : addr_(addr), host_(std::move(host)) {}
  ~Connection() { close_socket(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  int get(const std::string& target, const std::string& authorization) {
    if (fd_ < 0 && !connect_socket()) return 0;
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: " + host_ +
                      "\r\nAuthorization: " + authorization +
                      "\r\nAccept: application/json\r\nConnection: keep-alive\r\n\r\n";
    if (!send_all(req)) return fail();
    return read_response();
  }
  const std::string& body() const { return body_; }
  int reconnects() const { return connects_ > 0 ? connects_ - 1 : 0; }

 private:
  bool connect_socket() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr_), sizeof addr_) != 0) {
      close_socket();
      return false;
    }
    ++connects_;
    buf_.clear();
    return true;
  }
  void close_socket() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fail() {
    close_socket();
    return 0;
  }
  bool send_all(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool fill() {  // reads more bytes into buf_
    char chunk[16384];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  bool need(std::size_t n) {
    while (buf_.size() < n) {
      if (!fill()) return false;
    }
    return true;
  }
  // Reads up to and including the next CRLF; false on a closed connection.
  bool line(std::string& out) {
    std::size_t end;
    while ((end = buf_.find("\r\n")) == std::string::npos) {
      if (!fill()) return false;
    }
    out.assign(buf_, 0, end);
    buf_.erase(0, end + 2);
    return true;
  }
  int read_response() {
    std::string status_line, header;
    if (!line(status_line) || status_line.size() < 12) return fail();
    const int status = std::atoi(status_line.c_str() + 9);
    long long length = -1;
    bool chunked = false, close_after = false;
    while (true) {
      if (!line(header)) return fail();
      if (header.empty()) break;
      std::string name = header.substr(0, header.find(':'));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const std::string value = header.substr(std::min(header.size(), name.size() + 1));
      if (name == "content-length") length = std::atoll(value.c_str());
      if (name == "transfer-encoding" && value.find("chunked") != std::string::npos) chunked = true;
      if (name == "connection" && value.find("close") != std::string::npos) close_after = true;
    }
    body_.clear();
    if (chunked) {
      std::string size_line;
      while (true) {
        if (!line(size_line)) return fail();
        const std::size_t size = std::strtoul(size_line.c_str(), nullptr, 16);
        if (!need(size + 2)) return fail();
        body_.append(buf_, 0, size);
        buf_.erase(0, size + 2);
        if (size == 0) break;
      }
    } else if (length >= 0) {
      if (!need(static_cast<std::size_t>(length))) return fail();
      body_.assign(buf_, 0, static_cast<std::size_t>(length));
      buf_.erase(0, static_cast<std::size_t>(length));
    } else {
      while (fill()) {
      }
      body_ = std::move(buf_);
      buf_.clear();
      close_after = true;
    }
    if (close_after) close_socket();
    return status;
  }

  sockaddr_in addr_;
  std::string host_;
  int fd_ = -1;
  int connects_ = 0;
  std::string buf_;
  std::string body_;
};

// The look-up answers with sorted keys and no spaces (nlohmann::json::dump()).
bool found_nothing(const std::string& body) {
  return body.find("\"cards\":[]") != std::string::npos &&
         body.find("\"devices\":[]") != std::string::npos &&
         body.find("\"tickets\":[]") != std::string::npos;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Nearest-rank percentile of sorted values.
std::int64_t percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void print_row(const std::string& name, std::vector<std::int64_t> ns, std::size_t errors,
               std::size_t empty) {
  std::sort(ns.begin(), ns.end());
  auto ms = [](std::int64_t v) { return static_cast<double>(v) / 1e6; };
  std::printf("  %-15s %8zu %6zu %6zu %7.2f %7.2f %7.2f %7.2f %7.2f %7.2f\n", name.c_str(),
              ns.size(), errors, empty, ms(ns.empty() ? 0 : ns.front()), ms(percentile(ns, 50)),
              ms(percentile(ns, 90)), ms(percentile(ns, 99)), ms(percentile(ns, 99.9)),
              ms(ns.empty() ? 0 : ns.back()));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"wm-bench-lookup: hotline agents doing look-ups over keep-alive connections"};
  std::string http = "127.0.0.1:8080", token, queries_path;
  int agents = 32;
  double seconds = 20, warmup = 2, think_ms = 0, target_ms = 10;
  std::uint64_t seed = 1;
  app.add_option("--http", http, "The gateway's address host:port (IPv4)")->capture_default_str();
  app.add_option("--token", token, "Bearer token of an agent")->required();
  app.add_option("--queries", queries_path, "File of `kind<TAB>query` lines")->required();
  app.add_option("--agents", agents, "Concurrent agents, one connection each")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  app.add_option("--seconds", seconds, "Measured time")->capture_default_str();
  app.add_option("--warmup", warmup, "Seconds run before measuring")->capture_default_str();
  app.add_option("--think-ms", think_ms, "Pause of an agent between look-ups")
      ->capture_default_str();
  app.add_option("--target-p99-ms", target_ms, "Verdict: p99 below this")->capture_default_str();
  app.add_option("--seed", seed, "Seed of the agents' choice of queries")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> kinds;
  std::vector<Query> queries;
  {
    std::ifstream in(queries_path);
    std::string l;
    while (std::getline(in, l)) {
      const auto tab = l.find('\t');
      if (tab == std::string::npos) continue;
      const std::string kind = l.substr(0, tab);
      auto it = std::find(kinds.begin(), kinds.end(), kind);
      if (it == kinds.end()) it = kinds.insert(kinds.end(), kind);
      queries.push_back({static_cast<int>(it - kinds.begin()),
                         "/api/v1/hotline/lookup?q=" + percent_encode(l.substr(tab + 1))});
    }
  }
  if (queries.empty()) {
    std::fprintf(stderr, "no `kind<TAB>query` lines in %s\n", queries_path.c_str());
    return 2;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  const auto colon = http.rfind(':');
  if (colon == std::string::npos ||
      ::inet_pton(AF_INET, http.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    std::fprintf(stderr, "--http must be IPv4:port, got '%s'\n", http.c_str());
    return 2;
  }
  addr.sin_port = htons(static_cast<std::uint16_t>(std::atoi(http.c_str() + colon + 1)));
  const std::string authorization = "Bearer " + token;

  std::atomic<bool> stop{false};
  std::vector<std::vector<Sample>> samples(static_cast<std::size_t>(agents));
  std::vector<int> reconnects(static_cast<std::size_t>(agents));
  const auto start = Clock::now();
  const auto measure_from =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(warmup));
  std::vector<std::thread> threads;
  for (int a = 0; a < agents; ++a) {
    threads.emplace_back([&, a] {
      Connection conn(addr, http);
      std::mt19937_64 rng(seed * 1000003 + static_cast<std::uint64_t>(a));
      std::uniform_int_distribution<std::size_t> pick(0, queries.size() - 1);
      auto& mine = samples[static_cast<std::size_t>(a)];
      mine.reserve(1 << 16);
      while (!stop.load(std::memory_order_relaxed)) {
        const Query& q = queries[pick(rng)];
        const auto t0 = Clock::now();
        const int status = conn.get(q.target, authorization);
        const auto t1 = Clock::now();
        if (t0 >= measure_from) {
          mine.push_back({std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count(),
                          q.kind, status == 200, status == 200 && found_nothing(conn.body())});
        }
        if (status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        if (think_ms > 0) {
          std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(think_ms));
        }
      }
      reconnects[static_cast<std::size_t>(a)] = conn.reconnects();
    });
  }
  std::this_thread::sleep_until(measure_from);
  const double cpu0 = cpu_seconds();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  const double cpu1 = cpu_seconds();
  const auto measured_until = Clock::now();
  for (auto& t : threads) t.join();

  std::vector<std::int64_t> all_ns;
  std::vector<std::vector<std::int64_t>> by_kind(kinds.size());
  std::vector<std::size_t> errors(kinds.size()), empty(kinds.size());
  std::size_t total_errors = 0, total_empty = 0;
  for (const auto& mine : samples) {
    for (const auto& s : mine) {
      if (!s.ok) {
        ++errors[static_cast<std::size_t>(s.kind)];
        ++total_errors;
        continue;
      }
      all_ns.push_back(s.latency_ns);
      by_kind[static_cast<std::size_t>(s.kind)].push_back(s.latency_ns);
      if (s.empty) {
        ++empty[static_cast<std::size_t>(s.kind)];
        ++total_empty;
      }
    }
  }
  const double elapsed = std::chrono::duration<double>(measured_until - measure_from).count();
  const std::size_t requests = all_ns.size() + total_errors;
  int total_reconnects = 0;
  for (int r : reconnects) total_reconnects += r;

  std::printf(
      "look-ups: %zu requests, %zu errors, %d reconnects in %.1f s = %.0f req/s "
      "(%d agents, think %.0f ms)\n",
      requests, total_errors, total_reconnects, elapsed, static_cast<double>(requests) / elapsed,
      agents, think_ms);
  std::printf("client overhead: %.1f us CPU per request (whole client, all threads)\n",
              requests ? (cpu1 - cpu0) / static_cast<double>(requests) * 1e6 : 0.0);
  std::printf("latency ms (errors are not in the latencies; 'empty' found nothing):\n");
  std::printf("  %-15s %8s %6s %6s %7s %7s %7s %7s %7s %7s\n", "kind", "ok", "errors", "empty",
              "min", "p50", "p90", "p99", "p99.9", "max");
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    print_row(kinds[k], by_kind[k], errors[k], empty[k]);
  }
  print_row("all", all_ns, total_errors, total_empty);
  std::sort(all_ns.begin(), all_ns.end());
  const double p99 = static_cast<double>(percentile(all_ns, 99)) / 1e6;
  const bool pass = !all_ns.empty() && total_errors == 0 && p99 < target_ms;
  std::printf("verdict: %s  p99 %.2f ms %s %.0f ms at %d agents%s\n", pass ? "PASS" : "FAIL", p99,
              p99 < target_ms ? "<" : ">=", target_ms, agents,
              total_errors ? " (and there were errors)" : "");
  return 0;
}
