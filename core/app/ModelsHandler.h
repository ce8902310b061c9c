//
// ModelsHandler.h
//


#ifndef Nash_ModelsHandler_INCLUDED
#define Nash_ModelsHandler_INCLUDED


#include "core/http/JsonHandler.h"
#include <string>
#include <vector>


namespace Nash {


class ModelsHandler: public JsonHandler
	/// GET /v1/models: the models requests can name, in the OpenAI list
	/// shape: "backend/model" for each model each available backend lists,
	/// then the aliases. With an anthropic-version header (which
	/// Anthropic's clients always send), the same models in Anthropic's
	/// list shape.
{
public:
	explicit ModelsHandler(ServerContext& context);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;

private:
	std::vector<std::string> modelIds();
	void sendAnthropicList(Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry);
};


} // namespace Nash


#endif // Nash_ModelsHandler_INCLUDED
