//
// ChatHandler.h
//


#ifndef FakeUpstream_ChatHandler_INCLUDED
#define FakeUpstream_ChatHandler_INCLUDED


#include "ApiDialect.h"
#include "Scenario.h"
#include "UpstreamHandler.h"
#include "Poco/Net/NameValueCollection.h"
#include <ostream>


namespace FakeUpstream {


class ChatHandler: public UpstreamHandler
	/// A chat request of any of the APIs: answers, streams or fails as the
	/// model name's Scenario says (a script-* model as its ToolScript says,
	/// once the request passed the API's strict checks), in the wire format
	/// of its ApiDialect.
{
public:
	ChatHandler(UpstreamContext& context, std::string path, const ApiDialect& dialect);

protected:
	void answer(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, const std::string& body, ClientWatch& watch) override;

private:
	void sendError(Poco::Net::HTTPServerResponse& response, int status, const std::string& model);
	void sendScripted(Poco::Net::HTTPServerResponse& response, const Exchange& exchange, const ScriptedTurn& turn, bool stream);
		/// A script-* model's answer, whole or streamed.
	void startStream(Poco::Net::HTTPServerResponse& response);
		/// The headers of a successful stream.
	void addAnswerHeaders(Poco::Net::HTTPServerResponse& response);
		/// The extra headers of a successful answer.
	void sendWhole(Poco::Net::HTTPServerResponse& response, const Exchange& exchange, const Scenario& scenario, ClientWatch& watch);
	void sendStream(Poco::Net::HTTPServerResponse& response, const Exchange& exchange, const Scenario& scenario, const std::vector<std::string>& pieces, ClientWatch& watch);
	bool sendPieces(std::ostream& out, std::string& buffer, const Exchange& exchange, const Scenario& scenario, const std::vector<std::string>& pieces, ClientWatch& watch);
		/// Streams the content events; false when the stream must end here
		/// (client gone, or a fault that ends it).
	bool emit(std::ostream& out, const std::string& bytes);
		/// Writes and flushes bytes; false (and counted) when the client left.
	bool pause(ClientWatch& watch, int milliseconds);
		/// Waits; false (and counted when the client left) when the client
		/// closed or the server stops meanwhile.
	void stall(ClientWatch& watch);
		/// Waits until the client closes (60 s at most), then closes.

	const ApiDialect& _dialect;
	Poco::Net::NameValueCollection _answerHeaders;
		/// What the dialect adds to a successful answer to this request.
};


} // namespace FakeUpstream


#endif // FakeUpstream_ChatHandler_INCLUDED
