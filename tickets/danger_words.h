// Words of danger or distress in a call: someone fell ill after drinking, was scalded or
// got an electric shock, or the machine smokes or smells of burning. The hotline raises
// the severity of a ticket whose call says so (DESIGN.md "Hotline", issue 7 item 2).
//
// This is a small, hand-kept lexicon rather than a learned model on purpose: the cost of
// missing a child who fell ill is far higher than that of one needless escalation, the
// words are few and stable, and a reviewer can read the whole list (danger_words.cpp).
// Matching: Chinese entries are substrings; English entries match at the start of a word
// of the lower-cased text ("scald" matches "scalded"), multi-word entries with single
// spaces between the words. Negation is not understood ("no one got hurt" still counts):
// a false alarm is the accepted failure.
//
// Contract: pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace wm::tickets {

// True when `text` mentions danger or distress.
bool mentions_danger(std::string_view text);

// The lexicon entries found in `text`, for the ticket's evidence ("拉肚子", "electric shock").
std::vector<std::string_view> danger_words_in(std::string_view text);

}  // namespace wm::tickets
