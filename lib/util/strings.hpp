// Text helpers shared by every domain.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlops::util {

// `text` with every byte that is not part of valid UTF-8 replaced by '?', so it is valid JSON text
// and keeps its length (offsets into it stay offsets into the original).
std::string utf8_same_length(std::string text);

size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate when it is plausibly a typo of `name`, else "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

// "1.5 GiB", "312 B".
std::string human_bytes(uint64_t bytes);

std::vector<std::string> split(std::string_view text, char sep);

// Shortest text that parses back to the same double ("0.91", "1e-05", "3").
std::string format_number(double value);

}  // namespace mlops::util
