#include "protocols/flat_json_object.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "protocols/error_text.h"

namespace wm::protocols::internal {
namespace {

constexpr std::size_t kNoMember = FlatJsonObject::kMaxMembers;
// How much of nlohmann's description of a syntax error goes into a message.
constexpr std::size_t kMaxSyntaxErrorBytes = 200;

std::string range_text(std::int64_t min, std::int64_t max) {
  if (max == std::numeric_limits<std::int64_t>::max()) return ">= " + std::to_string(min);
  return "from " + std::to_string(min) + " to " + std::to_string(max);
}

}  // namespace

// nlohmann's SAX parser calls these; the payload's own errors go to ParseErrorSink below.
bool FlatJsonObject::SaxHandler::null() {
  return scalar(Kind::kNull, [](Member&) {});
}

bool FlatJsonObject::SaxHandler::boolean(bool value) {
  return scalar(Kind::kBoolean, [value](Member& m) { m.boolean = value; });
}

bool FlatJsonObject::SaxHandler::number_integer(std::int64_t value) {
  return scalar(Kind::kInteger, [value](Member& m) { m.integer = value; });
}

bool FlatJsonObject::SaxHandler::number_unsigned(std::uint64_t value) {
  if (value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return number_integer(static_cast<std::int64_t>(value));
  }
  return scalar(Kind::kBigInteger, [value](Member& m) {
    m.number = static_cast<double>(value);
    m.text = std::to_string(value);
  });
}

// nlohmann falls back to a float for an integer literal too large for 64 bits; `text`
// is the literal, which tells the two apart.
bool FlatJsonObject::SaxHandler::number_float(double value, const std::string& text) {
  const bool integer_literal = text.find_first_not_of("-0123456789") == std::string::npos;
  return scalar(integer_literal ? Kind::kBigInteger : Kind::kFloat,
                [value, integer_literal, &text](Member& m) {
                  m.number = value;
                  if (integer_literal) m.text = text;
                });
}

bool FlatJsonObject::SaxHandler::string(std::string& value) {
  return scalar(Kind::kString, [&value](Member& m) { m.text = value; });
}

bool FlatJsonObject::SaxHandler::start_object(std::size_t /*size*/) {
  if (depth_ == 1) nested(Kind::kObject);
  ++depth_;
  return true;
}

bool FlatJsonObject::SaxHandler::end_object() {
  --depth_;
  return true;
}

bool FlatJsonObject::SaxHandler::start_array(std::size_t /*size*/) {
  if (depth_ == 0) return not_an_object(Kind::kArray);
  if (depth_ == 1) nested(Kind::kArray);
  ++depth_;
  return true;
}

bool FlatJsonObject::SaxHandler::end_array() {
  --depth_;
  return true;
}

bool FlatJsonObject::SaxHandler::key(std::string& name) {
  if (depth_ != 1) return true;
  current_ = object_.member_index(name, next_guess_);
  if (current_ != kNoMember) next_guess_ = current_ + 1 < kMaxMembers ? current_ + 1 : 0;
  return true;
}

template <class Fill>
bool FlatJsonObject::SaxHandler::scalar(Kind kind, Fill fill) {
  if (depth_ == 0) return not_an_object(kind);
  if (depth_ == 1 && current_ != kNoMember) {
    Member& member = object_.members_[current_];
    member.kind = kind;
    fill(member);
    current_ = kNoMember;
  }
  return true;
}

void FlatJsonObject::SaxHandler::nested(Kind kind) {
  if (current_ == kNoMember) return;
  object_.members_[current_].kind = kind;
  current_ = kNoMember;
}

bool FlatJsonObject::SaxHandler::not_an_object(Kind kind) {
  object_.error_ = make_error(
      "malformed_json", "",
      "payload must be a JSON object, got " + std::string(FlatJsonObject::kind_name(kind)));
  return false;
}

// The SaxHandler plus what only a whole payload has: binary values (never in JSON text)
// and syntax errors, which stop the parse.
class ParseErrorSink : public FlatJsonObject::SaxHandler {
 public:
  using SaxHandler::SaxHandler;
  bool binary(nlohmann::json::binary_t& /*value*/) { return true; }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::json::exception& error) {
    error_text_ = error.what();
    return false;
  }
  const std::string& error_text() const { return error_text_; }

 private:
  std::string error_text_;
};

bool FlatJsonObject::parse(std::string_view payload) {
  // nlohmann stops at a NUL byte as if the input ended there, which would accept
  // '{...}\0garbage'. Valid JSON text holds no NUL byte at all.
  if (const std::size_t nul = payload.find('\0'); nul != std::string_view::npos) {
    error_ = make_error("malformed_json", "",
                        "payload is not valid JSON: NUL byte at offset " + std::to_string(nul) +
                            " (a C string terminator sent with the payload?)");
    return false;
  }
  ParseErrorSink handler(*this);
  try {
    const bool parsed =
        nlohmann::json::sax_parse(payload.data(), payload.data() + payload.size(), &handler);
    if (!parsed && ok() && !handler.error_text().empty()) fail_malformed(handler.error_text());
    if (!parsed && ok()) error_ = make_error("malformed_json", "", "payload is not valid JSON");
  } catch (const nlohmann::json::exception& e) {
    // sax_parse reports errors to the handler; this is a second line of defence.
    fail_malformed(e.what());
  }
  return ok();
}

std::size_t FlatJsonObject::member_index(std::string_view name, std::size_t first) const {
  // Machines write their members in a fixed order, usually the order of the protocol
  // table, so the search starts after the member found last and most keys match at once.
  const std::size_t count = member_names_.size();
  for (std::size_t n = 0; n < count; ++n) {
    const std::size_t i = first + n < count ? first + n : first + n - count;
    const std::string_view candidate = member_names_[i];
    if (candidate.size() == name.size() && candidate[0] == name[0] && candidate == name) {
      return i;
    }
  }
  return kNoMember;
}

void FlatJsonObject::fail_malformed(std::string_view what) {
  // nlohmann's text starts with "[json.exception.parse_error.101] " and may quote the
  // payload, which can be anything: drop the tag, keep it short and printable.
  if (const std::size_t tag_end = what.find("] ");
      what.starts_with("[json.exception.") && tag_end != std::string_view::npos) {
    what.remove_prefix(tag_end + 2);
  }
  error_ = make_error("malformed_json", "",
                      "payload is not valid JSON: " + printable(what, kMaxSyntaxErrorBytes));
}

FlatJsonObject::Member* FlatJsonObject::member_to_read(std::size_t index, bool required) {
  if (!ok()) return nullptr;
  Member& member = members_[index];
  if (member.kind != Kind::kAbsent) return &member;
  if (required) {
    fail("missing_field", index,
         "required field '" + std::string(member_names_[index]) + "' is missing from the " +
             std::string(object_name_));
  }
  return nullptr;
}

void FlatJsonObject::read_integer(std::size_t index, std::int64_t min, std::int64_t max,
                                  std::int64_t& out) {
  std::optional<std::int64_t> value;
  if (member_to_read(index, /*required=*/true) == nullptr) return;
  read_optional_integer(index, min, max, value);
  if (value) out = *value;
}

void FlatJsonObject::read_optional_integer(std::size_t index, std::int64_t min, std::int64_t max,
                                           std::optional<std::int64_t>& out) {
  const Member* member = member_to_read(index, /*required=*/false);
  if (member == nullptr) return;
  const std::string name(member_names_[index]);
  if (member->kind == Kind::kInteger && member->integer >= min && member->integer <= max) {
    out = member->integer;
  } else if (member->kind == Kind::kInteger || member->kind == Kind::kBigInteger) {
    const std::string got =
        member->kind == Kind::kInteger ? std::to_string(member->integer) : member->text;
    fail("out_of_range", index,
         name + " must be an integer " + range_text(min, max) + ", got " + got);
  } else if (member->kind == Kind::kFloat) {
    fail("wrong_type", index, name + " must be an integer, got " + format_float(member->number));
  } else {
    fail_wrong_type(index, *member, "an integer");
  }
}

void FlatJsonObject::require_object(std::size_t index) {
  const Member* member = member_to_read(index, /*required=*/true);
  if (member != nullptr && member->kind != Kind::kObject) {
    fail_wrong_type(index, *member, "an object");
  }
}

void FlatJsonObject::read_number(std::size_t index, double min, double max, double& out) {
  std::optional<double> value;
  if (member_to_read(index, /*required=*/true) == nullptr) return;
  read_optional_number(index, min, max, value);
  if (value) out = *value;
}

void FlatJsonObject::read_optional_number(std::size_t index, double min, double max,
                                          std::optional<double>& out) {
  const Member* member = member_to_read(index, /*required=*/false);
  if (member == nullptr) return;
  double value = 0;
  switch (member->kind) {
    case Kind::kInteger:
      value = static_cast<double>(member->integer);
      break;
    case Kind::kBigInteger:
    case Kind::kFloat:
      value = member->number;
      break;
    default:
      fail_wrong_type(index, *member, "a number");
      return;
  }
  if (!(value >= min && value <= max)) {
    fail("out_of_range", index,
         std::string(member_names_[index]) + " must be a number from " + format_number(min) +
             " to " + format_number(max) + ", got " + format_number(value));
    return;
  }
  out = value;
}

void FlatJsonObject::read_boolean(std::size_t index, bool& out) {
  std::optional<bool> value;
  if (member_to_read(index, /*required=*/true) == nullptr) return;
  read_optional_boolean(index, value);
  if (value) out = *value;
}

void FlatJsonObject::read_optional_boolean(std::size_t index, std::optional<bool>& out) {
  const Member* member = member_to_read(index, /*required=*/false);
  if (member == nullptr) return;
  if (member->kind != Kind::kBoolean) return fail_wrong_type(index, *member, "a boolean");
  out = member->boolean;
}

void FlatJsonObject::read_string(std::size_t index, std::size_t min_chars, std::size_t max_chars,
                                 std::string& out) {
  Member* member = member_to_read(index, /*required=*/true);
  if (member == nullptr) return;
  if (member->kind != Kind::kString) return fail_wrong_type(index, *member, "a string");
  const std::size_t length = utf8_length(member->text);
  if (length < min_chars || length > max_chars) {
    fail("out_of_range", index,
         std::string(member_names_[index]) + " must be a string of " + std::to_string(min_chars) +
             " to " + std::to_string(max_chars) + " characters, got " + std::to_string(length) +
             " characters");
    return;
  }
  out = std::move(member->text);
}

void FlatJsonObject::read_optional_string(std::size_t index, std::string& out) {
  Member* member = member_to_read(index, /*required=*/false);
  if (member == nullptr) return;
  if (member->kind != Kind::kString) return fail_wrong_type(index, *member, "a string");
  out = std::move(member->text);
}

const std::string* FlatJsonObject::read_enum_name(std::size_t index) {
  const Member* member = member_to_read(index, /*required=*/true);
  if (member == nullptr) return nullptr;
  if (member->kind != Kind::kString) {
    fail_wrong_type(index, *member, "a string");
    return nullptr;
  }
  return &member->text;
}

void FlatJsonObject::fail(std::string code, std::size_t index, std::string message) {
  error_ = make_error(std::move(code), std::string(member_names_[index]), std::move(message));
}

void FlatJsonObject::fail_unknown_name(std::size_t index, std::string_view expected,
                                       std::string_view name) {
  fail("out_of_range", index,
       std::string(member_names_[index]) + " must be one of " + std::string(expected) + ", got " +
           quoted_for_message(name));
}

void FlatJsonObject::fail_wrong_type(std::size_t index, const Member& member,
                                     std::string_view expected) {
  fail("wrong_type", index,
       std::string(member_names_[index]) + " must be " + std::string(expected) + ", got " +
           std::string(kind_name(member.kind)));
}

std::string_view FlatJsonObject::kind_name(Kind kind) {
  switch (kind) {
    case Kind::kAbsent:
      return "nothing";
    case Kind::kNull:
      return "null";
    case Kind::kBoolean:
      return "a boolean";
    case Kind::kInteger:
    case Kind::kBigInteger:
      return "an integer";
    case Kind::kFloat:
      return "a number";
    case Kind::kString:
      return "a string";
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
  }
  return "an unknown value";
}

}  // namespace wm::protocols::internal
