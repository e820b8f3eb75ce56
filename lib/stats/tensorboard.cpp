#include "stats/tensorboard.hpp"

namespace mlops::stats {

// Placeholder until the event-file reader lands.
std::optional<std::vector<Scalar>> parse_event(std::string_view) { return std::nullopt; }

EventFileReader::EventFileReader(std::string path, std::string tag_prefix)
    : path_(std::move(path)), prefix_(std::move(tag_prefix)) {}
std::vector<Scalar> EventFileReader::poll() { return {}; }

TensorBoardWatcher::TensorBoardWatcher(std::string dir) : dir_(std::move(dir)) {}
std::vector<Scalar> TensorBoardWatcher::poll() { return {}; }
size_t TensorBoardWatcher::corrupt_records() const { return 0; }

}  // namespace mlops::stats
