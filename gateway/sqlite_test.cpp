// The statement cache of Connection and the ReaderPool.
#include "gateway/sqlite.h"

#include <gtest/gtest.h>

#include <string>

#include "gateway/sqlite_reader_pool.h"
#include "gateway/test_support.h"

namespace wm::gateway {
namespace {

using testing::TempDir;

// A writer connection on a WAL file with one table of three rows.
class WalFile {
 public:
  explicit WalFile(const std::string& path) : writer(path, Connection::Mode::kReadWrite) {
    writer.exec(
        "PRAGMA journal_mode=WAL; CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT);"
        " INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three');");
  }
  Connection writer;
};

TEST(StatementCacheTest, TheSameTextGetsTheSameStatementBackResetAndUnbound) {
  TempDir dir;
  Connection db(dir.file("c.db"), Connection::Mode::kReadWrite);
  const sqlite3_stmt* first = nullptr;
  {
    Statement st = db.prepare_cached("SELECT ?1");
    st.bind(1, std::int64_t{42});
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.int64(0), 42);
    first = st.raw();
    // Given back mid-result: the next user must start from the first row.
  }
  Statement again = db.prepare_cached("SELECT ?1");
  EXPECT_EQ(again.raw(), first);
  ASSERT_TRUE(again.step());
  EXPECT_TRUE(again.is_null(0)) << "the binding of the previous use was not cleared";
  EXPECT_FALSE(again.step());
  EXPECT_EQ(db.cached_statements(), 1U);
}

TEST(StatementCacheTest, AStatementGivenBackMidResultStartsOverForTheNextUser) {
  TempDir dir;
  Connection db(dir.file("c.db"), Connection::Mode::kReadWrite);
  db.exec("CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (1), (2), (3);");
  {
    Statement st = db.prepare_cached("SELECT k FROM t ORDER BY k");
    ASSERT_TRUE(st.step());
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.int64(0), 2);
  }
  Statement st = db.prepare_cached("SELECT k FROM t ORDER BY k");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), 1);
}

TEST(StatementCacheTest, DifferentTextsGetDifferentStatements) {
  TempDir dir;
  Connection db(dir.file("c.db"), Connection::Mode::kReadWrite);
  Statement a = db.prepare_cached("SELECT 1");
  Statement b = db.prepare_cached("SELECT 2");
  EXPECT_NE(a.raw(), b.raw());
  ASSERT_TRUE(a.step());
  ASSERT_TRUE(b.step());
  EXPECT_EQ(a.int64(0), 1);
  EXPECT_EQ(b.int64(0), 2);
  EXPECT_EQ(db.cached_statements(), 2U);
}

TEST(StatementCacheTest, ANestedUseOfAStatementThatIsOutGetsItsOwn) {
  TempDir dir;
  Connection db(dir.file("c.db"), Connection::Mode::kReadWrite);
  db.exec("CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (1), (2);");
  const std::string sql = "SELECT k FROM t WHERE k >= ? ORDER BY k";
  Statement outer = db.prepare_cached(sql);
  outer.bind(1, 1);
  ASSERT_TRUE(outer.step());
  {
    Statement inner = db.prepare_cached(sql);
    EXPECT_NE(inner.raw(), outer.raw());
    inner.bind(1, 2);
    ASSERT_TRUE(inner.step());
    EXPECT_EQ(inner.int64(0), 2);
  }
  // The outer one goes on where it was, untouched by the inner one.
  ASSERT_TRUE(outer.step());
  EXPECT_EQ(outer.int64(0), 2);
  EXPECT_EQ(db.cached_statements(), 1U);
}

TEST(StatementCacheTest, TheLeastRecentlyUsedIdleTextMakesRoomWhenFull) {
  TempDir dir;
  Connection db(dir.file("c.db"), Connection::Mode::kReadWrite);
  const sqlite3_stmt* first = nullptr;
  {
    Statement st = db.prepare_cached("SELECT 0");
    first = st.raw();
  }
  for (std::size_t i = 1; i < Connection::kStatementCacheSize; ++i) {
    db.prepare_cached("SELECT " + std::to_string(i));
  }
  db.prepare_cached("SELECT 0");  // used again: now the newest
  EXPECT_EQ(db.cached_statements(), Connection::kStatementCacheSize);
  db.prepare_cached("SELECT 'one more'");  // evicts "SELECT 1", the oldest
  EXPECT_EQ(db.cached_statements(), Connection::kStatementCacheSize);
  Statement zero = db.prepare_cached("SELECT 0");
  EXPECT_EQ(zero.raw(), first);
  ASSERT_TRUE(zero.step());
  EXPECT_EQ(zero.int64(0), 0);
}

TEST(StatementCacheTest, AMovedStatementGoesBackOnce) {
  TempDir dir;
  Connection db(dir.file("c.db"), Connection::Mode::kReadWrite);
  const sqlite3_stmt* raw = nullptr;
  {
    Statement a = db.prepare_cached("SELECT 7");
    raw = a.raw();
    Statement b = std::move(a);
    Statement c = db.prepare_cached("SELECT 7");  // `b` still has it: a new one
    EXPECT_NE(c.raw(), raw);
  }
  Statement d = db.prepare_cached("SELECT 7");
  EXPECT_EQ(d.raw(), raw);
  ASSERT_TRUE(d.step());
  EXPECT_EQ(d.int64(0), 7);
}

TEST(ReaderPoolTest, ConcurrentLeasesHaveTheirOwnConnectionsAndAreReused) {
  TempDir dir;
  const std::string path = dir.file("p.db");
  WalFile file(path);
  ReaderPool pool(path, 2);
  EXPECT_EQ(pool.opened(), 1U);
  const Connection* a_raw = nullptr;
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    a_raw = &*a;
    EXPECT_NE(&*a, &*b);
    EXPECT_EQ(pool.opened(), 2U);
    EXPECT_EQ(pool.idle(), 0U);
  }
  EXPECT_EQ(pool.idle(), 2U);
  auto again = pool.acquire();  // the last one given back (a) comes out first
  EXPECT_EQ(&*again, a_raw);
  EXPECT_EQ(pool.opened(), 2U);
}

TEST(ReaderPoolTest, ClosesConnectionsBeyondMaxIdle) {
  TempDir dir;
  const std::string path = dir.file("p.db");
  WalFile file(path);
  ReaderPool pool(path, 1);
  {
    auto a = pool.acquire();
    auto b = pool.acquire();
    auto c = pool.acquire();
  }
  EXPECT_EQ(pool.opened(), 3U);
  EXPECT_EQ(pool.idle(), 1U);
}

TEST(ReaderPoolTest, AReaderSeesWhatTheWriterCommittedAndCannotWrite) {
  TempDir dir;
  const std::string path = dir.file("p.db");
  WalFile file(path);
  ReaderPool pool(path, 2);
  auto count = [&] {
    auto reader = pool.acquire();
    Statement st = reader->prepare_cached("SELECT count(*) FROM t");
    EXPECT_TRUE(st.step());
    return st.int64(0);
  };
  EXPECT_EQ(count(), 3);
  file.writer.exec("INSERT INTO t VALUES (4, 'four')");
  EXPECT_EQ(count(), 4) << "a cached statement kept an old read snapshot";
  auto reader = pool.acquire();
  EXPECT_THROW(reader->exec("INSERT INTO t VALUES (5, 'five')"), SqliteError);
}

TEST(ReaderPoolTest, AFileThatCannotBeOpenedFailsAtOnce) {
  TempDir dir;
  EXPECT_THROW(ReaderPool(dir.file("missing/p.db"), 2), SqliteError);
}

}  // namespace
}  // namespace wm::gateway
