//
// HeadlessAuthorizationAgent.h
//


#ifndef Nash_HeadlessAuthorizationAgent_INCLUDED
#define Nash_HeadlessAuthorizationAgent_INCLUDED


#include "AuthorizationAgent.h"


namespace Nash {


class HeadlessAuthorizationAgent: public AuthorizationAgent
	/// For authorization servers that approve without a user (test servers,
	/// some machine-to-machine setups): GETs the authorization URL without
	/// following redirects and returns the Location of the redirect.
{
public:
	std::string authorize(const Request& request) override;
};


} // namespace Nash


#endif // Nash_HeadlessAuthorizationAgent_INCLUDED
