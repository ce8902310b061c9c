//
// EnvironmentGuard.h
//


#ifndef NashTest_EnvironmentGuard_INCLUDED
#define NashTest_EnvironmentGuard_INCLUDED


#include "Poco/Environment.h"
#include <map>
#include <string>
#include <vector>


namespace NashTest {


class EnvironmentGuard
	/// Empties environment variables a backend reads (ANTHROPIC_API_KEY,
	/// OLLAMA_HOST ...) for one test, so that the machine's own settings do
	/// not leak in, and puts the old values back afterwards. Poco cannot
	/// unset a variable; the backends treat an empty one as unset.
{
public:
	explicit EnvironmentGuard(const std::vector<std::string>& names)
	{
		for (const auto& name: names)
		{
			_saved[name] = Poco::Environment::get(name, "");
			Poco::Environment::set(name, "");
		}
	}

	~EnvironmentGuard()
	{
		for (const auto& entry: _saved) Poco::Environment::set(entry.first, entry.second);
	}

	EnvironmentGuard(const EnvironmentGuard&) = delete;
	EnvironmentGuard& operator = (const EnvironmentGuard&) = delete;

private:
	std::map<std::string, std::string> _saved;
};


} // namespace NashTest


#endif // NashTest_EnvironmentGuard_INCLUDED
