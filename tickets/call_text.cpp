// Caller text as code points: decode UTF-8 (invalid bytes become separators), fold the
// full-width forms Chinese input methods produce to ASCII, then walk runs of ideographs
// and runs of ASCII word characters.
#include "tickets/call_text.h"

#include <algorithm>
#include <cstdint>

namespace wm::tickets {
namespace {

constexpr char32_t kInvalid = 0xFFFD;

// One code point from `text` at `pos`; advances `pos`. Overlong forms, surrogates and
// truncated sequences decode as kInvalid and consume one byte.
char32_t decode_one(std::string_view text, std::size_t& pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  if ((lead & 0xE0) == 0xC0) {
    len = 2;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4;
    cp = lead & 0x07;
  } else {
    ++pos;
    return kInvalid;
  }
  if (pos + len > text.size()) {
    ++pos;
    return kInvalid;
  }
  for (std::size_t i = 1; i < len; ++i) {
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    if ((byte & 0xC0) != 0x80) {
      ++pos;
      return kInvalid;
    }
    cp = (cp << 6) | (byte & 0x3F);
  }
  constexpr char32_t kMinOfLength[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinOfLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++pos;
    return kInvalid;
  }
  pos += len;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Full-width ASCII (U+FF01..U+FF5E) and the ideographic space fold to ASCII; hyphens and
// en dashes to '-'.
char32_t fold(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0;
  if (cp == 0x3000) return U' ';
  if (cp >= 0x2010 && cp <= 0x2013) return U'-';
  return cp;
}

bool is_ideograph(char32_t cp) {
  return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF);
}

bool is_ascii_alnum(char32_t cp) {
  return (cp >= U'0' && cp <= U'9') || (cp >= U'a' && cp <= U'z') || (cp >= U'A' && cp <= U'Z');
}
bool is_id_char(char32_t cp) { return is_ascii_alnum(cp) || cp == U'-' || cp == U'_'; }
bool is_apostrophe(char32_t cp) { return cp == U'\'' || cp == 0x2019; }
// Punctuation that ends a phrase: word bigrams do not reach across it.
bool ends_phrase(char32_t cp) {
  return cp == U'.' || cp == U',' || cp == U'!' || cp == U'?' || cp == U';' || cp == U':' ||
         cp == 0x3002 || cp == 0x3001 || cp == 0xFF0C || cp == 0xFF01 || cp == 0xFF1F ||
         cp == 0xFF1B || cp == 0xFF1A || cp == U'\n' || cp == kInvalid;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

std::string_view trim_joiners(std::string_view token) {
  while (!token.empty() && (token.front() == '-' || token.front() == '_')) token.remove_prefix(1);
  while (!token.empty() && (token.back() == '-' || token.back() == '_')) token.remove_suffix(1);
  return token;
}

// Builds the feature list of call_text_features().
class FeatureWriter {
 public:
  explicit FeatureWriter(std::vector<std::string>& out) : out_(out) {}

  void ideographs(const std::vector<std::string>& chars) {
    for (std::size_t i = 0; i < chars.size(); ++i) {
      std::string gram = chars[i];
      out_.push_back("z:" + gram);
      for (std::size_t n = 1; n < 3 && i + n < chars.size(); ++n) {
        gram += chars[i + n];
        out_.push_back("z:" + gram);
      }
    }
    break_phrase();
  }

  // One lower-cased run of [a-z0-9_-].
  void latin_token(std::string_view raw) {
    const std::string_view token = trim_joiners(raw);
    if (token.empty()) return;
    const bool has_digit = std::any_of(token.begin(), token.end(), is_digit);
    if (!has_digit) {
      std::size_t start = 0;
      for (std::size_t i = 0; i <= token.size(); ++i) {
        if (i == token.size() || token[i] == '-' || token[i] == '_') {
          if (i > start) word(token.substr(start, i - start));
          start = i + 1;
        }
      }
      return;
    }
    if (token.size() == 3 && token[0] == 'e' && is_digit(token[1]) && is_digit(token[2])) {
      word(token);  // a fault code on the screen
      return;
    }
    std::size_t digits = 0;
    while (digits < token.size() && is_digit(token[digits])) ++digits;
    const std::string_view rest = token.substr(digits);
    if (rest.empty()) {
      word("#");
    } else if (digits > 0 && std::all_of(rest.begin(), rest.end(), is_lower)) {
      word("#");
      word(rest);  // "20ml", "5yuan", "3pm"
    } else {
      break_phrase();  // a machine id or a serial: no evidence of the fault
    }
  }

  void break_phrase() { previous_.clear(); }

 private:
  void word(std::string_view w) {
    const std::string text(w);
    out_.push_back("w:" + text);
    if (!previous_.empty()) out_.push_back("b:" + previous_ + " " + text);
    if (text.size() > 2 && text != "#") {
      const std::string marked = "<" + text + ">";
      for (std::size_t n = 3; n <= 4; ++n) {
        for (std::size_t i = 0; i + n <= marked.size(); ++i) {
          out_.push_back("c:" + marked.substr(i, n));
        }
      }
    }
    previous_ = text;
  }

  std::vector<std::string>& out_;
  std::string previous_;
};

}  // namespace

std::vector<std::string> call_text_features(std::string_view text) {
  std::vector<std::string> features;
  FeatureWriter writer(features);
  std::vector<std::string> ideograph_run;
  std::string latin;
  auto flush_ideographs = [&] {
    if (!ideograph_run.empty()) writer.ideographs(ideograph_run);
    ideograph_run.clear();
  };
  auto flush_latin = [&] {
    if (!latin.empty()) writer.latin_token(latin);
    latin.clear();
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = fold(decode_one(text, pos));
    if (is_ideograph(cp)) {
      flush_latin();
      std::string ch;
      append_utf8(ch, cp);
      ideograph_run.push_back(std::move(ch));
    } else if (is_id_char(cp)) {
      flush_ideographs();
      const auto c = static_cast<char>(cp);
      latin.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    } else if (is_apostrophe(cp) && !latin.empty()) {
      // "didn't" reads as "didnt", as people also type it.
    } else {
      flush_ideographs();
      flush_latin();
      if (ends_phrase(cp)) writer.break_phrase();
    }
  }
  flush_ideographs();
  flush_latin();
  return features;
}

std::vector<std::string> mentioned_ids(std::string_view text) {
  std::vector<std::string> ids;
  std::string run;
  auto flush = [&] {
    const std::string_view token = trim_joiners(run);
    const bool has_digit = std::any_of(token.begin(), token.end(), is_digit);
    const bool has_letter_or_dash = std::any_of(
        token.begin(), token.end(), [](char c) { return c == '-' || (!is_digit(c) && c != '_'); });
    if (token.size() >= 2 && token.size() <= 64 && has_digit && has_letter_or_dash &&
        std::find(ids.begin(), ids.end(), token) == ids.end()) {
      ids.emplace_back(token);
    }
    run.clear();
  };
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = fold(decode_one(text, pos));
    if (is_id_char(cp)) {
      run.push_back(static_cast<char>(cp));
    } else {
      flush();
    }
  }
  flush();
  return ids;
}

std::string machine_id_key(std::string_view id) {
  std::string key;
  key.reserve(id.size());
  for (const char c : id) {
    if (c == '-' || c == '_') continue;
    key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return key;
}

}  // namespace wm::tickets
