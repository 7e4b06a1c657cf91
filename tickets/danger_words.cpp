// The danger lexicon. Add a word when a real call was missed; every entry is a phrase a
// caller uses about harm to a person or a fire hazard, never a fault of the machine alone
// ("no water", "leaking" are faults, not danger).
#include "tickets/danger_words.h"

#include <string>

namespace wm::tickets {
namespace {

// Substrings of the text as written.
constexpr std::string_view kChinese[] = {
    // illness after drinking
    "拉肚子", "拉稀", "腹泻", "呕吐", "吐了", "想吐", "上吐下泻", "肚子疼", "肚子痛", "胃疼",
    "胃痛", "中毒", "发烧", "过敏", "起疹子", "生病", "病了", "不舒服", "医院", "住院", "急诊",
    "晕倒", "昏倒", "头晕",
    // scalding
    "烫伤", "烫到", "烫着", "烫红", "烫起泡",
    // electricity and fire
    "触电", "电到", "电了一下", "被电", "漏电", "麻手", "手麻", "电手", "冒烟", "烟味", "烧焦",
    "焦味", "糊味", "着火", "起火", "火花", "短路",
    // injury
    "受伤", "流血", "割伤", "划伤", "砸到", "砸伤"};

// Lower-case phrases matched at the start of a word, words separated by one space.
constexpr std::string_view kEnglish[] = {
    // illness after drinking
    "diarrh", "vomit", "threw up", "throw up", "throwing up", "stomach ache", "stomachache",
    "stomach pain", "tummy ache", "belly ache", "food poisoning", "poison", "got sick", "get sick",
    "gets sick", "getting sick", "fell sick", "feel sick", "feeling sick", "felt sick",
    "sick after", "sick from", "fell ill", "became ill", "ill after", "ill from", "hospital",
    "emergency room", "fainted", "passed out", "rash", "allergic", "fever", "dizzy",
    // scalding
    "scald",
    // electricity and fire
    "electric shock", "electrocut", "shocked me", "got shocked", "get shocked", "got a shock",
    "shocked my", "live wire", "exposed wire", "tingl", "burn", "smok", "spark", "fire", "flame",
    "short circuit",
    // injury
    "injur", "hurt", "bleed", "blood", "cut my", "cut his", "cut her"};

// ASCII lower-cased; every run of ASCII characters that are not letters or digits becomes
// one space, so "Electric-shock!!" reads "electric shock ". Other bytes are kept.
std::string normalised(std::string_view text) {
  std::string out = " ";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if (out.back() != ' ') {
      out.push_back(' ');
    }
  }
  return out;
}

bool has_english(const std::string& text, std::string_view phrase) {
  for (std::size_t at = text.find(phrase); at != std::string::npos;
       at = text.find(phrase, at + 1)) {
    const char before = text[at - 1];  // text starts with a space, phrases with a letter
    if (!(before >= 'a' && before <= 'z') && !(before >= '0' && before <= '9')) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string_view> danger_words_in(std::string_view text) {
  std::vector<std::string_view> found;
  const std::string norm = normalised(text);
  for (const std::string_view word : kChinese) {
    if (norm.find(word) != std::string::npos) found.push_back(word);
  }
  for (const std::string_view phrase : kEnglish) {
    if (has_english(norm, phrase)) found.push_back(phrase);
  }
  return found;
}

bool mentions_danger(std::string_view text) { return !danger_words_in(text).empty(); }

}  // namespace wm::tickets
