//
// MetricsPage.cpp
//


#include "MetricsPage.h"
#include <sstream>
#include <stdexcept>


namespace NashTest {


MetricsPage::MetricsPage(const std::string& text)
{
	std::istringstream lines(text);
	std::string line;
	while (std::getline(lines, line))
	{
		if (line.empty() || line[0] == '#') continue;
		Sample sample;
		std::size_t i = line.find_first_of("{ ");
		if (i == std::string::npos) throw std::runtime_error("Not a sample: " + line);
		sample.name = line.substr(0, i);
		if (line[i] == '{')
		{
			++i;
			while (i < line.size() && line[i] != '}')
			{
				std::size_t eq = line.find('=', i);
				if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') throw std::runtime_error("Bad labels: " + line);
				std::string key = line.substr(i, eq - i);
				std::string value;
				std::size_t j = eq + 2;
				for (; j < line.size() && line[j] != '"'; ++j)
				{
					if (line[j] == '\\' && j + 1 < line.size())
					{
						++j;
						value += line[j] == 'n' ? '\n' : line[j];
					}
					else
					{
						value += line[j];
					}
				}
				sample.labels[key] = value;
				i = j + 1;
				if (i < line.size() && line[i] == ',') ++i;
			}
			++i;
		}
		std::size_t end = line.find(' ', i + 1);
		sample.value = std::stod(line.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1));
		_samples.push_back(std::move(sample));
	}
}


bool MetricsPage::includes(const Labels& labels, const Labels& wanted)
{
	for (const auto& label: wanted)
	{
		auto it = labels.find(label.first);
		if (it == labels.end() || it->second != label.second) return false;
	}
	return true;
}


double MetricsPage::value(const std::string& name, const Labels& labels) const
{
	double sum = 0;
	for (const auto& sample: _samples)
	{
		if (sample.name == name && includes(sample.labels, labels)) sum += sample.value;
	}
	return sum;
}


bool MetricsPage::has(const std::string& name, const Labels& labels) const
{
	for (const auto& sample: _samples)
	{
		if (sample.name == name && includes(sample.labels, labels)) return true;
	}
	return false;
}


std::vector<MetricsPage::Labels> MetricsPage::labelsOf(const std::string& name) const
{
	std::vector<Labels> all;
	for (const auto& sample: _samples)
	{
		if (sample.name == name) all.push_back(sample.labels);
	}
	return all;
}


} // namespace NashTest
