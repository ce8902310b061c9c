//
// SummarizeHandler.h
//


#ifndef Nash_SummarizeHandler_INCLUDED
#define Nash_SummarizeHandler_INCLUDED


#include "core/http/JsonHandler.h"


namespace Nash {


class SummarizeHandler: public JsonHandler
	/// POST /v1/chat/summarize
{
public:
	explicit SummarizeHandler(ServerContext& context);

protected:
	void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, AccessLog::Entry& entry) override;
};


} // namespace Nash


#endif // Nash_SummarizeHandler_INCLUDED
