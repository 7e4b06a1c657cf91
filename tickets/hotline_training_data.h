// The hotline's labelled sentences (tickets/data/hotline_sentences.tsv), compiled into the
// binary so that the gateway trains its CallClassifier at start without reading a file.
// CMake writes the definition from the file at configure time (tickets/data/embed_text.cmake)
// and re-runs when the file changes.
#pragma once

#include <string_view>

namespace wm::tickets {

// The file's bytes, UTF-8, as they are in the repository; valid for the whole program.
std::string_view hotline_training_data();

}  // namespace wm::tickets
