// The danger lexicon: harm to people and fire hazards in both languages, and ordinary
// complaints that must not raise severity.
#include "tickets/danger_words.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace wm::tickets {
namespace {

using ::testing::ElementsAre;

TEST(DangerWordsTest, ChineseHarm) {
  EXPECT_TRUE(mentions_danger("孩子喝了这台机器的水以后拉肚子了"));
  EXPECT_TRUE(mentions_danger("热水口把我手烫伤了"));
  EXPECT_TRUE(mentions_danger("摸了一下外壳被电了一下，是不是漏电"));
  EXPECT_TRUE(mentions_danger("机器后面冒烟，还有一股焦味"));
}

TEST(DangerWordsTest, EnglishHarmAtWordStarts) {
  EXPECT_TRUE(mentions_danger("My daughter got sick after drinking from it"));
  EXPECT_TRUE(mentions_danger("the hot water SCALDED my hand"));
  EXPECT_TRUE(mentions_danger("I got an electric-shock from the tap!"));
  EXPECT_TRUE(mentions_danger("smells like something is burning"));
  EXPECT_TRUE(mentions_danger("kid has diarrhoea since yesterday"));
}

TEST(DangerWordsTest, OrdinaryComplaintsAreNotDanger) {
  EXPECT_FALSE(mentions_danger("刷卡扣钱了但是没出水"));
  EXPECT_FALSE(mentions_danger("the machine at block 3 is leaking"));
  EXPECT_FALSE(mentions_danger("water tastes a bit salty lately"));
  EXPECT_FALSE(mentions_danger("I'm sick of waiting for my refund"));
  EXPECT_FALSE(mentions_danger("the illuminated sign is off"));  // "ill" inside a word
  EXPECT_FALSE(mentions_danger("heartburn"));                    // "burn" not at a word start
}

TEST(DangerWordsTest, ReportsTheWordsFound) {
  EXPECT_THAT(danger_words_in("喝完拉肚子, then I threw up"), ElementsAre("拉肚子", "threw up"));
  EXPECT_TRUE(danger_words_in("").empty());
}

}  // namespace
}  // namespace wm::tickets
