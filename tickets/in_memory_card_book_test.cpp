// The CardBook contract (card_book_contract_test.h, card_book_records_test.h) on
// InMemoryCardBook, plus what only the in-memory book offers (its counts for tools).
// gateway/sqlite_card_book_test.cpp runs the same suites on the SQLite book.
#include "tickets/in_memory_card_book.h"

#include <gtest/gtest.h>

#include "tickets/card_book_contract_test.h"
#include "tickets/card_book_records_test.h"

namespace wm::tickets::contract {
namespace {

struct InMemoryHarness {
  CardBook& book() { return book_; }
  InMemoryCardBook book_;
};

}  // namespace

INSTANTIATE_TYPED_TEST_SUITE_P(InMemory, CardBookContractTest, ::testing::Types<InMemoryHarness>);
INSTANTIATE_TYPED_TEST_SUITE_P(InMemory, CardBookRecordsTest, ::testing::Types<InMemoryHarness>);

namespace {

TEST(InMemoryCardBookTest, CountsMoveWithEveryWrite) {
  InMemoryCardBook book;
  ASSERT_TRUE(book.apply(recharge_plan(new_card("c-1"), 10000, "pay-1")).ok());
  ASSERT_TRUE(book.apply(dispense_plan(book, "t-1", 100, 0)).ok());
  const InMemoryCardBook::Counts counts = book.counts();
  EXPECT_EQ(counts.cards, 1u);
  EXPECT_EQ(counts.entries, 3u);
  EXPECT_EQ(counts.dispenses, 1u);
  EXPECT_EQ(counts.refunds, 1u);
  EXPECT_EQ(counts.revisions, 3u) << "card revision 2, refund revision 1";
  EXPECT_EQ(book.tokens(), std::vector<std::string>{"c-1"});
}

}  // namespace
}  // namespace wm::tickets::contract
