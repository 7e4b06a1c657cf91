// Read-only connections to one SQLite file, one per reading thread at a time (the HTTP
// workers, the ticket worker, the notifier): reads run side by side instead of queueing
// behind one shared connection, and WAL lets each see the last commit beside the one
// writer (TOOLCHAIN trap 12: only reads here). A connection keeps its prepared statements
// (Connection::prepare_cached) from one lease to the next; the most recently returned
// connection is handed out first, so a few busy threads keep reusing warm ones.
//
// Thread-safe. acquire() opens a new connection when none is idle (throws SqliteError if
// it cannot); at most `max_idle` idle connections stay open, any more are closed when
// returned.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/sqlite.h"

namespace wm::gateway {

class ReaderPool {
 public:
  // Opens one connection at once, so that a file that cannot be read fails here.
  ReaderPool(std::string path, std::size_t max_idle);
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // A connection for the holder alone; back to the pool when the lease ends. A lease
  // must not outlive its pool.
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    friend class ReaderPool;
    Lease(ReaderPool& pool, std::unique_ptr<Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    ReaderPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  Lease acquire();
  // Connections open and idle now; opened since the pool was made (for tests and sizing).
  std::size_t idle() const;
  std::size_t opened() const;

 private:
  void give_back(std::unique_ptr<Connection> connection);

  const std::string path_;
  const std::size_t max_idle_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;  // the most recently returned last
  std::size_t opened_ = 0;
};

}  // namespace wm::gateway
