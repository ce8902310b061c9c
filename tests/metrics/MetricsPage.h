//
// MetricsPage.h
//
// A scraped /metrics page, read the way Prometheus reads it: each sample a
// name, labels and a value.
//


#ifndef NashTest_MetricsPage_INCLUDED
#define NashTest_MetricsPage_INCLUDED


#include <map>
#include <string>
#include <vector>


namespace NashTest {


class MetricsPage
{
public:
	using Labels = std::map<std::string, std::string>;

	explicit MetricsPage(const std::string& text);

	double value(const std::string& name, const Labels& labels = {}) const;
		/// The sum of the samples named name whose labels include labels;
		/// 0 when there is none.
	bool has(const std::string& name, const Labels& labels = {}) const;
		/// Whether a sample named name has labels.
	std::vector<Labels> labelsOf(const std::string& name) const;

private:
	struct Sample
	{
		std::string name;
		Labels labels;
		double value = 0;
	};

	static bool includes(const Labels& labels, const Labels& wanted);

	std::vector<Sample> _samples;
};


} // namespace NashTest


#endif // NashTest_MetricsPage_INCLUDED
