//
// AppChatRequest.h
//
// A chat request of the Nash desktop app's dialect, decoded.
//


#ifndef Nash_AppChatRequest_INCLUDED
#define Nash_AppChatRequest_INCLUDED


#include "Nash/ChatMessage.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include <string>
#include <utility>
#include <vector>


namespace Nash {


struct AppChatRequest
	/// POST /v1/chat/completions/stream as the Nash app sends it: the
	/// history, the model, and the user's own provider credentials, which
	/// serve this request only.
{
	std::vector<ChatMessage> messages;
	std::string model;
	std::string apiKey;
	std::string apiBaseUrl;
	std::string provider;
		/// "anthropic", "openai", or empty (then told by the model's name).
	std::vector<std::pair<std::string, std::string>> headers;
		/// The string-valued entries of "headers", as given.

	static bool isAppBody(const Poco::JSON::Object::Ptr& body);
		/// Whether body is of this dialect rather than the original's: it
		/// carries api_key or api_base_url.

	static Poco::JSON::Array::Ptr problems(const Poco::JSON::Object::Ptr& body);
		/// What is wrong with body, in FastAPI's validation-error shape
		/// ({"type", "loc", "msg", "input"} per problem, as the app's original server
		/// answers them with 422); empty when nothing is. Never echoes the
		/// api_key or the headers.

	static Poco::JSON::Object::Ptr parseBody(const std::string& body, Poco::JSON::Array::Ptr& problems);
		/// body as an object, or null with problems set when it is not JSON
		/// (json_invalid) or not an object (model_attributes_type). Throws
		/// HttpError 413 for a body whose tree would be too large (see
		/// RequestBody::checkTreeCost()).

	static std::string detailBody(const Poco::JSON::Array::Ptr& problems);
		/// {"detail": problems}: the 422 answer.

	static Poco::JSON::Array::Ptr notJson(const std::string& reason);
		/// The problem list of a body that is not JSON.

	static Poco::JSON::Array::Ptr notAnObject(const Poco::Dynamic::Var& body);
		/// The problem list of a body that is JSON but no object.

	static AppChatRequest from(const Poco::JSON::Object::Ptr& body);
		/// The request of a body without problems().

	static std::vector<ChatMessage> messagesOf(const Poco::JSON::Array::Ptr& messages);
		/// The history as chat messages: string content as it is, content
		/// parts' texts joined, null as empty; every message's object kept
		/// as raw, for the backends to translate.
};


} // namespace Nash


#endif // Nash_AppChatRequest_INCLUDED
