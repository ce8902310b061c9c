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
	/// then the aliases. GET /v1/models/{model}: one of them, or any other
	/// name a chat request may use (a bare model name, any model of a
	/// backend that takes any), or 404.
	///
	/// With an anthropic-version header (which Anthropic's clients always
	/// send), the same in Anthropic's shapes, errors included; otherwise
	/// errors are in OpenAI's envelope.
{
public:
	explicit ModelsHandler(ServerContext& context, const std::string& model = std::string());
		/// model: the one asked for; empty for the list.

protected:
	void begin(const Poco::Net::HTTPServerRequest& request) override;
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;
	ErrorAnswer errorAnswer(const ErrorReply& reply) const override;

private:
	struct Model
	{
		std::string id;
		std::string owner;
		std::string aliasFor;
	};

	std::vector<Model> models();
	std::string entryJson(const Model& model) const;

	std::string _model;
	bool _anthropic = false;
};


} // namespace Nash


#endif // Nash_ModelsHandler_INCLUDED
