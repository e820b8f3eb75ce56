// Stats filters on the wire: the query string the CLI sends and the server reads, one codec for
// both ends (ion, node, agent, run, name, source, after, since, until, limit; times in ms).
#pragma once

#include <functional>
#include <string>

#include "stats/series.hpp"

namespace mlops::api {

// "ion=x&after=12": what the filter sets, escaped, without the "?".
std::string stats_query(const stats::Filter& f);
// From a request's parameters (`param` returns "" for an absent one); a usage error naming a
// malformed number.
stats::Filter stats_filter(const std::function<std::string(const char*)>& param);

// Percent-escaped for a URL's path segment or query value.
std::string url_escape(const std::string& s);

}  // namespace mlops::api
