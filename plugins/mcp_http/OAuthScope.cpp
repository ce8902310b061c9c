//
// OAuthScope.cpp
//


#include "OAuthScope.h"
#include <algorithm>
#include <sstream>


namespace Nash {


std::vector<std::string> OAuthScope::split(const std::string& scope)
{
	std::vector<std::string> result;
	std::istringstream in(scope);
	std::string item;
	while (in >> item)
	{
		if (std::find(result.begin(), result.end(), item) == result.end()) result.push_back(item);
	}
	return result;
}


std::string OAuthScope::join(const std::vector<std::string>& scopes)
{
	std::string result;
	for (const auto& scope: scopes)
	{
		if (scope.empty()) continue;
		if (!result.empty()) result += ' ';
		result += scope;
	}
	return result;
}


std::string OAuthScope::select(const std::string& challenged, const std::string& configured, const std::vector<std::string>& supported)
{
	if (!split(challenged).empty()) return join(split(challenged));
	if (!split(configured).empty()) return join(split(configured));
	return join(split(join(supported)));
}


std::string OAuthScope::merge(const std::string& held, const std::string& challenged)
{
	return join(split(held + " " + challenged));
}


bool OAuthScope::covers(const std::string& held, const std::string& wanted)
{
	std::vector<std::string> have = split(held);
	for (const auto& scope: split(wanted))
	{
		if (std::find(have.begin(), have.end(), scope) == have.end()) return false;
	}
	return true;
}


} // namespace Nash
