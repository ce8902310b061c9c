//
// MetricSeries.h
//


#ifndef Nash_MetricSeries_INCLUDED
#define Nash_MetricSeries_INCLUDED


#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include <mutex>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>


namespace Nash {


template <class Metric>
class MetricSeries
	/// The series of one family, found by their label values alone.
	/// prometheus::Family::Add() takes a label map, and makes a new metric
	/// (for a histogram, all of its buckets) before it looks for the one it
	/// has: most of the cost of counting a request. Here a series is looked
	/// up by its values joined, and Add() runs once for each label set.
{
public:
	MetricSeries(prometheus::Family<Metric>& family, std::vector<std::string> names, prometheus::Histogram::BucketBoundaries buckets = {}):
		_family(family),
		_names(std::move(names)),
		_buckets(std::move(buckets))
	{
	}

	Metric& operator () (const std::string& value)
	{
		const std::string* values[] = {&value};
		return find(values, 1);
	}

	Metric& operator () (const std::string& first, const std::string& second)
	{
		const std::string* values[] = {&first, &second};
		return find(values, 2);
	}

	Metric& operator () (const std::string& first, const std::string& second, const std::string& third)
	{
		const std::string* values[] = {&first, &second, &third};
		return find(values, 3);
	}

private:
	Metric& find(const std::string* const* values, std::size_t count)
	{
		std::string key;
		for (std::size_t i = 0; i < count; ++i)
		{
			key += *values[i];
			key += '\0';
		}
		std::lock_guard<std::mutex> lock(_mutex);
		auto it = _series.find(key);
		if (it != _series.end()) return *it->second;
		prometheus::Labels labels;
		for (std::size_t i = 0; i < count && i < _names.size(); ++i) labels[_names[i]] = *values[i];
		Metric& metric = add(labels);
		_series.emplace(std::move(key), &metric);
		return metric;
	}

	Metric& add(const prometheus::Labels& labels)
	{
		if constexpr (std::is_same<Metric, prometheus::Histogram>::value)
			return _family.Add(labels, _buckets);
		else
			return _family.Add(labels);
	}

	prometheus::Family<Metric>& _family;
	const std::vector<std::string> _names;
	const prometheus::Histogram::BucketBoundaries _buckets;
	std::mutex _mutex;
	std::unordered_map<std::string, Metric*> _series;
};


} // namespace Nash


#endif // Nash_MetricSeries_INCLUDED
