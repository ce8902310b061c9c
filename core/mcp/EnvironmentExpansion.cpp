//
// EnvironmentExpansion.cpp
//


#include "EnvironmentExpansion.h"
#include "Poco/Environment.h"


namespace Nash {


std::string EnvironmentExpansion::expand(const std::string& value)
{
	std::string result;
	std::string::size_type pos = 0;
	while (pos < value.size())
	{
		if (value.compare(pos, 3, "$${") == 0)
		{
			result += "${";
			pos += 3;
			continue;
		}
		if (value.compare(pos, 2, "${") == 0)
		{
			std::string::size_type end = value.find('}', pos + 2);
			if (end != std::string::npos)
			{
				result += Poco::Environment::get(value.substr(pos + 2, end - pos - 2), "");
				pos = end + 1;
				continue;
			}
		}
		result += value[pos++];
	}
	return result;
}


} // namespace Nash
