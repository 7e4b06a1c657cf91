// A thin RAII layer over the SQLite C API: a connection and prepared statements.
// Errors are thrown as SqliteError (storage failures are not expected and callers at the
// edge decide what to do); "constraint" outcomes are reported by step() results instead.
// A Connection is used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wm::gateway {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Statement;

// A statement kept by Connection::prepare_cached between uses (an implementation detail
// shared by Connection and Statement).
struct CachedStatement {
  sqlite3_stmt* stmt = nullptr;
  bool leased = false;  // handed out in a Statement that is still alive
  std::uint64_t last_used = 0;
};

class Connection {
 public:
  enum class Mode { kReadWrite, kReadOnly };
  // Opens (creating in kReadWrite mode) the database at `path`.
  Connection(const std::string& path, Mode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without results; throws on error.
  void exec(std::string_view sql);
  // A new statement, finalized when the Statement is destroyed.
  Statement prepare(std::string_view sql);
  // The statement of `sql` prepared once on this connection and kept for the next caller
  // of the same text: parsing and planning a query costs more than running an indexed
  // one. It comes reset and without bindings, and goes back to the cache when the
  // Statement is destroyed, reset again (so that it holds no read snapshot) with its
  // bindings cleared. A text whose statement is out already (a nested use) gets a new one,
  // as from prepare(). At most kStatementCacheSize texts are kept: the least recently used
  // idle one makes room, so SQL built from a bounded set of filters belongs here, SQL with
  // literal values does not. The Statement must not outlive the connection.
  Statement prepare_cached(std::string_view sql);
  std::size_t cached_statements() const { return cache_.size(); }
  std::int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* raw() const { return db_; }

  static constexpr std::size_t kStatementCacheSize = 64;

 private:
  sqlite3_stmt* prepare_raw(std::string_view sql);
  // Makes room for one more text: false when every kept statement is out.
  bool evict_one();

  sqlite3* db_ = nullptr;
  std::map<std::string, CachedStatement, std::less<>> cache_;
  std::uint64_t uses_ = 0;
};

// A prepared statement. bind() indexes are 1-based as in SQLite. step() returns true
// while a row is available. reset() makes it reusable (bindings are cleared).
class Statement {
 public:
  Statement() = default;
  // Owns `stmt` (finalized when destroyed), or, with `cached`, borrows it from its
  // connection's cache and gives it back reset.
  Statement(sqlite3* db, sqlite3_stmt* stmt, CachedStatement* cached = nullptr)
      : db_(db), stmt_(stmt), cached_(cached) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }

  // Advances; true when a row is ready. Throws SqliteError on failure (constraint
  // violations included: use INSERT OR IGNORE / ON CONFLICT where a conflict is normal).
  bool step();
  // Runs to completion (for statements without rows) and resets.
  void run();
  void reset();

  bool is_null(int col) const;
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::string blob(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<double> opt_real(int col) const;
  std::optional<bool> opt_bool(int col) const;  // integer column, 0 = false

  // The statement handle, e.g. to see that the cache handed out the same one again.
  const sqlite3_stmt* raw() const { return stmt_; }

 private:
  // Finalizes the statement, or gives it back to the cache.
  void release();

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  CachedStatement* cached_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when destroyed uncommitted.
class Transaction {
 public:
  explicit Transaction(Connection& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& db_;
  bool done_ = false;
};

}  // namespace wm::gateway
