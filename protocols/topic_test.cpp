#include "protocols/topic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace wm::protocols {
namespace {

using ::testing::HasSubstr;

TEST(IsValidId, AcceptsOneTo64IdCharacters) {
  EXPECT_TRUE(is_valid_id("a"));
  EXPECT_TRUE(is_valid_id("Site_01-b"));
  EXPECT_TRUE(is_valid_id("0123456789"));
  EXPECT_TRUE(is_valid_id(std::string(64, 'x')));
  EXPECT_FALSE(is_valid_id(""));
  EXPECT_FALSE(is_valid_id(std::string(65, 'x')));
  for (const char* id : {"a b", "a.b", "a/b", "a+b", "#", "é", "a\n", "a:b", "a@b"}) {
    EXPECT_FALSE(is_valid_id(id)) << id;
  }
}

TEST(ParseWmTopic, ReadsEveryKind) {
  const std::pair<const char*, TopicKind> kinds[] = {{"telemetry", TopicKind::kTelemetry},
                                                     {"event", TopicKind::kEvent},
                                                     {"status", TopicKind::kStatus},
                                                     {"cmd", TopicKind::kCmd}};
  for (const auto& [name, kind] : kinds) {
    const Result<WmTopic> topic = parse_wm_topic(std::string("wm/v1/s-001/wm-0007/") + name);
    ASSERT_TRUE(topic.ok()) << topic.error().to_string();
    EXPECT_EQ(*topic, (WmTopic{"s-001", "wm-0007", kind}));
    EXPECT_EQ(to_string(kind), name);
  }
}

TEST(ParseWmTopic, AcceptsLongestIds) {
  const std::string id(64, 'Z');
  EXPECT_EQ(*parse_wm_topic("wm/v1/" + id + "/" + id + "/event"),
            (WmTopic{id, id, TopicKind::kEvent}));
}

void expect_error(std::string_view topic, std::string_view code, std::string_view field) {
  const Result<WmTopic> parsed = parse_wm_topic(topic);
  ASSERT_FALSE(parsed.ok()) << topic;
  EXPECT_EQ(parsed.error().code, code) << topic << ": " << parsed.error().to_string();
  EXPECT_EQ(parsed.error().field, field) << topic << ": " << parsed.error().to_string();
}

TEST(ParseWmTopic, RejectsWrongPrefix) {
  for (const char* topic :
       {"", "wm", "wm/v1", "wm/v2/s/d/telemetry", "WM/v1/s/d/telemetry", "/wm/v1/s/d/telemetry",
        "xwm/v1/s/d/telemetry", "hx/d/up", "v1/gateway/telemetry", "wm/v1s/d/telemetry"}) {
    expect_error(topic, "bad_topic", "topic");
  }
  EXPECT_THAT(parse_wm_topic("wm/v2/s/d/event").error().message,
              HasSubstr("does not start with wm/v1/"));
}

TEST(ParseWmTopic, RejectsTooFewLevels) {
  for (const char* topic : {"wm/v1/", "wm/v1/s", "wm/v1/s/telemetry", "wm/v1/telemetry"}) {
    expect_error(topic, "bad_topic", "topic");
  }
  EXPECT_THAT(parse_wm_topic("wm/v1/s/telemetry").error().message, HasSubstr("too few levels"));
}

TEST(ParseWmTopic, RejectsTooManyLevels) {
  for (const char* topic : {"wm/v1/s/d/telemetry/x", "wm/v1/s/d/telemetry/", "wm/v1/o/s/d/event",
                            "wm/v1/s/d/e/f/g/h"}) {
    expect_error(topic, "bad_topic", "topic");
  }
  EXPECT_THAT(parse_wm_topic("wm/v1/s/d/cmd/x").error().message, HasSubstr("too many levels"));
}

TEST(ParseWmTopic, RejectsUnknownKind) {
  for (const char* topic : {"wm/v1/s/d/telemetrY", "wm/v1/s/d/events", "wm/v1/s/d/", "wm/v1/s/d/+",
                            "wm/v1/s/d/#", "wm/v1/s/d/up"}) {
    expect_error(topic, "bad_topic", "topic");
  }
  EXPECT_THAT(parse_wm_topic("wm/v1/s/d/up").error().message, HasSubstr("unknown message kind"));
}

TEST(ParseWmTopic, RejectsBadIds) {
  expect_error("wm/v1//d/telemetry", "bad_id", "site_id");
  expect_error("wm/v1/s//telemetry", "bad_id", "device_id");
  expect_error("wm/v1///telemetry", "bad_id", "site_id");
  expect_error("wm/v1/+/d/telemetry", "bad_id", "site_id");
  expect_error("wm/v1/s/#/telemetry", "bad_id", "device_id");
  expect_error("wm/v1/s p/d/telemetry", "bad_id", "site_id");
  expect_error("wm/v1/s/d.1/telemetry", "bad_id", "device_id");
  expect_error("wm/v1/s/水/telemetry", "bad_id", "device_id");
  expect_error("wm/v1/" + std::string(65, 's') + "/d/telemetry", "bad_id", "site_id");
  expect_error("wm/v1/s/" + std::string(65, 'd') + "/telemetry", "bad_id", "device_id");
  EXPECT_EQ(parse_wm_topic("wm/v1/s p/d/event").error().message,
            "site_id must be 1 to 64 characters of A-Z a-z 0-9 _ -, got 's p'");
}

TEST(ParseWmTopic, MessagesQuoteTheTopicPrintably) {
  const std::string topic = "wm/v2/\x01/" + std::string(500, 'a');
  const std::string message = parse_wm_topic(topic).error().message;
  EXPECT_THAT(message, HasSubstr("\\x01"));
  EXPECT_LT(message.size(), 200u);
}

TEST(WmTopic, BuildsWhatParseReads) {
  EXPECT_EQ(wm_topic("s-001", "wm-0007", TopicKind::kCmd), "wm/v1/s-001/wm-0007/cmd");
  for (TopicKind kind :
       {TopicKind::kTelemetry, TopicKind::kEvent, TopicKind::kStatus, TopicKind::kCmd}) {
    EXPECT_EQ(*parse_wm_topic(wm_topic("site_A", "dev-9", kind)),
              (WmTopic{"site_A", "dev-9", kind}));
  }
}

TEST(WmTopic, SubscribeFilterHasTheTopicShape) { EXPECT_EQ(kWmSubscribeFilter, "wm/v1/+/+/+"); }

TEST(HxTopic, ParsesWhatHxTopicBuilds) {
  EXPECT_EQ(hx_topic("m-0001", HxDirection::kUp), "hx/m-0001/up");
  EXPECT_EQ(hx_topic("m-0001", HxDirection::kDown), "hx/m-0001/down");
  for (HxDirection direction : {HxDirection::kUp, HxDirection::kDown}) {
    EXPECT_EQ(*parse_hx_topic(hx_topic("dev_9", direction)), (HxTopic{"dev_9", direction}));
  }
  EXPECT_EQ(kHxSubscribeFilter, "hx/+/up");
}

TEST(HxTopic, RejectsOtherShapesAndBadIds) {
  for (const char* topic : {"", "hx", "hx/", "hx/m-1", "hx/m-1/", "hx/m-1/sideways", "hx/m-1/up/x",
                            "wm/v1/s/m/telemetry", "HX/m-1/up"}) {
    EXPECT_EQ(parse_hx_topic(topic).error().code, "bad_topic") << topic;
  }
  for (const char* topic : {"hx//up", "hx/m 1/up", "hx/m+1/down"}) {
    EXPECT_EQ(parse_hx_topic(topic).error().code, "bad_id") << topic;
  }
  EXPECT_EQ(parse_hx_topic("hx/" + std::string(65, 'a') + "/up").error().field, "device_id");
}

}  // namespace
}  // namespace wm::protocols
