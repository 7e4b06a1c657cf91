#include "protocols/error_text.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace wm::protocols::internal {
namespace {

TEST(Printable, KeepsPrintableTextAndUtf8) {
  EXPECT_EQ(printable("abc", 64), "abc");
  EXPECT_EQ(printable("水 é 😀", 64), "水 é 😀");
  EXPECT_EQ(printable("", 64), "");
}

TEST(Printable, EscapesControlCharactersAndBadUtf8) {
  EXPECT_EQ(printable(std::string("a\nb\x01\x7f", 5), 64), "a\\x0ab\\x01\\x7f");
  EXPECT_EQ(printable("\xff", 64), "\\xff");
  EXPECT_EQ(printable("\xc0\xaf", 64), "\\xc0\\xaf");                    // overlong
  EXPECT_EQ(printable("\xed\xa0\x80", 64), "\\xed\\xa0\\x80");           // surrogate
  EXPECT_EQ(printable("\xe6\xb0", 64), "\\xe6\\xb0");                    // truncated
  EXPECT_EQ(printable("\xf4\x90\x80\x80", 64), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(printable(std::string("\0", 1), 64), "\\x00");
}

TEST(Printable, CutsLongTextOnACharacterBoundary) {
  EXPECT_EQ(printable(std::string(100, 'a'), 10), std::string(10, 'a') + "...");
  EXPECT_EQ(printable(std::string(10, 'a'), 10), std::string(10, 'a'));
  EXPECT_EQ(printable("aaaaaaaaa水水", 10), "aaaaaaaaa水...");         // never half a character
  EXPECT_EQ(printable(std::string(100, '\x7f'), 8), "\\x7f\\x7f...");  // escapes count
}

TEST(QuotedForMessage, QuotesAndCutsAt64Bytes) {
  EXPECT_EQ(quoted_for_message("E09"), "'E09'");
  EXPECT_EQ(quoted_for_message(std::string(80, 'x')), "'" + std::string(64, 'x') + "...'");
}

TEST(FormatNumber, IsShortestRoundTrip) {
  EXPECT_EQ(format_number(5000), "5000");
  EXPECT_EQ(format_number(-10), "-10");
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(5000.001), "5000.001");
  EXPECT_EQ(format_number(1e300), "1e+300");
  EXPECT_EQ(std::stod(format_number(0.1 + 0.2)), 0.1 + 0.2);
}

TEST(FormatFloat, ShowsThatTheValueIsAFloat) {
  EXPECT_EQ(format_float(3), "3.0");
  EXPECT_EQ(format_float(1.5), "1.5");
  EXPECT_EQ(format_float(-0.0), "-0.0");
  EXPECT_EQ(format_float(1e300), "1e+300");
  EXPECT_EQ(format_float(std::numeric_limits<double>::infinity()), "inf");
}

TEST(Utf8Length, CountsCharactersNotBytes) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("水é😀"), 3u);
}

}  // namespace
}  // namespace wm::protocols::internal
