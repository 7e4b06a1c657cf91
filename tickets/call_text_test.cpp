// Features of caller text (Chinese n-grams, English words and their pieces, what is dropped)
// and the machine ids found in it.
#include "tickets/call_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace wm::tickets {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

bool has(const std::vector<std::string>& features, const std::string& f) {
  return std::find(features.begin(), features.end(), f) != features.end();
}

TEST(CallTextFeaturesTest, ChineseGivesCharacterOneToThreeGrams) {
  EXPECT_THAT(call_text_features("漏水了"),
              ElementsAre("z:漏", "z:漏水", "z:漏水了", "z:水", "z:水了", "z:了"));
}

TEST(CallTextFeaturesTest, ChineseRunsStopAtPunctuation) {
  const auto f = call_text_features("没水，漏了");
  EXPECT_TRUE(has(f, "z:没水"));
  EXPECT_FALSE(has(f, "z:水漏"));
}

TEST(CallTextFeaturesTest, EnglishWordsBigramsAndPieces) {
  const auto f = call_text_features("It's LEAKING badly");
  EXPECT_TRUE(has(f, "w:its"));  // apostrophe dropped, lower-cased
  EXPECT_TRUE(has(f, "w:leaking"));
  EXPECT_TRUE(has(f, "b:its leaking"));
  EXPECT_TRUE(has(f, "b:leaking badly"));
  EXPECT_TRUE(has(f, "c:<lea"));
  EXPECT_TRUE(has(f, "c:eak"));
  EXPECT_TRUE(has(f, "c:ng>"));
}

TEST(CallTextFeaturesTest, TypoSharesPiecesWithTheWord) {
  const auto typo = call_text_features("leeking");
  const auto word = call_text_features("leaking");
  const auto shared = std::count_if(typo.begin(), typo.end(), [&](const std::string& f) {
    return f.starts_with("c:") && has(word, f);
  });
  EXPECT_GE(shared, 3);
}

TEST(CallTextFeaturesTest, BigramsDoNotCrossSentencePunctuationOrChinese) {
  EXPECT_FALSE(has(call_text_features("no water. please help"), "b:water please"));
  EXPECT_FALSE(has(call_text_features("no water 没有 please"), "b:water please"));
  EXPECT_TRUE(has(call_text_features("no   water"), "b:no water"));
}

TEST(CallTextFeaturesTest, FullWidthFormsFoldToAscii) {
  const auto f = call_text_features("ＬＥＡＫ　ｈｅｒｅ");
  EXPECT_TRUE(has(f, "w:leak"));
  EXPECT_TRUE(has(f, "b:leak here"));
}

TEST(CallTextFeaturesTest, MachineIdsAreDroppedCodesAndNumbersKept) {
  const auto f = call_text_features("wm-0007 shows E08, paid 5yuan for 20 min");
  EXPECT_THAT(f, Not(Contains("w:wm")));
  EXPECT_THAT(f, Not(Contains("w:0007")));
  EXPECT_TRUE(has(f, "w:e08"));
  EXPECT_TRUE(has(f, "w:yuan"));
  EXPECT_TRUE(has(f, "w:#"));
  EXPECT_TRUE(has(f, "b:# min"));
  EXPECT_THAT(call_text_features("WM0007"), IsEmpty());
}

TEST(CallTextFeaturesTest, HyphenatedWordsSplit) {
  const auto f = call_text_features("self-service");
  EXPECT_TRUE(has(f, "w:self"));
  EXPECT_TRUE(has(f, "b:self service"));
}

TEST(CallTextFeaturesTest, InvalidUtf8IsASeparatorNotAnError) {
  const std::string bad = std::string("no") + "\xff\xfe" + "water" + "\xe6\xbc";  // truncated 漏
  const auto f = call_text_features(bad);
  EXPECT_TRUE(has(f, "w:no"));
  EXPECT_TRUE(has(f, "w:water"));
  EXPECT_FALSE(has(f, "b:no water"));
  EXPECT_THAT(call_text_features(""), IsEmpty());
  EXPECT_THAT(call_text_features("\xc0\xaf"), IsEmpty());  // overlong '/'
}

TEST(MentionedIdsTest, FindsIdsInChineseAndEnglish) {
  EXPECT_THAT(mentioned_ids("wm-0007号机器漏水，旁边WM0012也是"), ElementsAre("wm-0007", "WM0012"));
  EXPECT_THAT(mentioned_ids("the machine at block 3 is leaking"), IsEmpty());
  EXPECT_THAT(mentioned_ids("machine (wm-0031) near gate B2."), ElementsAre("wm-0031", "B2"));
}

TEST(MentionedIdsTest, TrimsJoinersFoldsFullWidthAndDeduplicates) {
  EXPECT_THAT(mentioned_ids("--wm-0007_ and wm-0007"), ElementsAre("wm-0007"));
  EXPECT_THAT(mentioned_ids("ＷＭ－０００７"), ElementsAre("WM-0007"));
  EXPECT_THAT(mentioned_ids("12_34 and 5 and a and x"), IsEmpty());  // no letter or dash
  EXPECT_THAT(mentioned_ids("12-34"), ElementsAre("12-34"));
}

TEST(MentionedIdsTest, LengthLimitsOfInventoryIds) {
  EXPECT_THAT(mentioned_ids("a1"), ElementsAre("a1"));
  EXPECT_THAT(mentioned_ids(std::string(64, 'a') + "1"), IsEmpty());
  EXPECT_THAT(mentioned_ids(std::string(63, 'a') + "1"), ElementsAre(std::string(63, 'a') + "1"));
}

TEST(MachineIdKeyTest, SpellingsOfOneIdShareAKey) {
  EXPECT_EQ(machine_id_key("WM0007"), "wm0007");
  EXPECT_EQ(machine_id_key("wm-0007"), "wm0007");
  EXPECT_EQ(machine_id_key("Wm_0007"), "wm0007");
  EXPECT_NE(machine_id_key("wm-0007"), machine_id_key("wm-0070"));
}

}  // namespace
}  // namespace wm::tickets
