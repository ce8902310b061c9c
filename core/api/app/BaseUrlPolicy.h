//
// BaseUrlPolicy.h
//
// Which provider URLs a request may name.
//


#ifndef Nash_BaseUrlPolicy_INCLUDED
#define Nash_BaseUrlPolicy_INCLUDED


#include "Poco/URI.h"
#include <string>
#include <vector>


namespace Nash {


class BaseUrlPolicy
	/// The allow-list of [app] allowed_base_urls: a request's api_base_url
	/// is used only when it has the scheme, host and port of a listed URL
	/// and its path is that URL's path or below it. Anything else is
	/// refused before a connection is made: whoever reaches the server
	/// must not make it send requests (with chosen headers) to any address.
{
public:
	explicit BaseUrlPolicy(const std::vector<std::string>& allowed);
		/// Throws Poco::InvalidArgumentException naming an entry that is not
		/// an http(s) URL.

	bool allows(const std::string& url) const;
		/// False also for URLs with user information, a query or a fragment.

	const std::vector<std::string>& allowed() const;

private:
	struct Entry
	{
		std::string scheme;
		std::string host;
		unsigned short port = 0;
		std::string path;
	};

	static bool parse(const std::string& text, Entry& entry);

	std::vector<std::string> _allowedText;
	std::vector<Entry> _allowed;
};


} // namespace Nash


#endif // Nash_BaseUrlPolicy_INCLUDED
