//
// SessionId.h
//


#ifndef Nash_SessionId_INCLUDED
#define Nash_SessionId_INCLUDED


#include "Poco/Dynamic/Var.h"
#include <string>


namespace Nash {


class SessionId
	/// Session ids: the server keeps no session, it only hands out ids and
	/// gives back the one a client brings.
{
public:
	static bool isValid(const std::string& id);
		/// True when id matches ^[A-Za-z0-9._:-]{1,128}$.

	static std::string generate();
		/// A random UUID (version 4), lowercase, 36 characters.

	static std::string fromRequest(const Poco::Dynamic::Var& value);
		/// The id for a request whose "session_id" field holds value: a new
		/// one when the field is absent, null or "", the given one when it is
		/// valid. Throws HttpError (400, naming the field) otherwise.
};


} // namespace Nash


#endif // Nash_SessionId_INCLUDED
