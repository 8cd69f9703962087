// oauth2kit from C++: client credentials, password + refresh, an OAuth error
// caught with its RFC fields, and a session over a token store of our own.
//
//   ./grants http://127.0.0.1:PORT        (the devserver)
#include <iostream>
#include <map>
#include <memory>
#include <mutex>

#include "oauth2kit.hpp"

// A token store of the plugin's own (here a map standing in for its database).
class MapStore : public oauth2kit::TokenStore {
 public:
  std::optional<std::string> load() override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = rows_.find("tokens");
    if (it == rows_.end()) return std::nullopt;
    return it->second;
  }
  void save(const std::string& json) override {
    std::lock_guard<std::mutex> lock(mu_);
    rows_["tokens"] = json;
  }
  void clear() override {
    std::lock_guard<std::mutex> lock(mu_);
    rows_.erase("tokens");
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> rows_;
};

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " ISSUER_URL\n";
    return 2;
  }
  const std::string issuer = argv[1];
  try {
    oauth2kit::Client client(oauth2kit::Config("post-client")
                                 .client_secret("post-secret")
                                 .auth_method("client_secret_post")
                                 .discovery_issuer(issuer));
    auto cc = client.client_credentials("read");
    std::cout << "client credentials: token expires at " << cc.expires_at() << "\n";

    auto user = client.password("alice", "wonderland");
    auto renewed = client.refresh(user.refresh_token().value());
    std::cout << "refresh: new token " << (renewed.access_token() != user.access_token() ? "issued" : "NOT issued")
              << "\n";

    try {
      client.password("alice", "not-her-password");
    } catch (const oauth2kit::Error& e) {
      std::cout << "refused as expected: " << e.name() << " error=" << e.oauth_error()
                << " http=" << e.http_status() << "\n";
    }

    // A session: always a valid token, renewed once however many threads ask.
    auto store = std::make_shared<MapStore>();
    oauth2kit::Session session(client, oauth2kit::SessionOptions()
                                           .store(oauth2kit::Store::custom(store))
                                           .client_credentials("read")
                                           .on_change([](const oauth2kit::Tokens& t) {
                                             std::cout << "session: new token, expires at " << t.expires_at() << "\n";
                                           }));
    auto header = session.authorization_header();
    std::cout << "session: header " << header.first << ", stored " << (store->load() ? "yes" : "no") << "\n";
  } catch (const oauth2kit::Error& e) {
    std::cerr << "failed: " << e.what() << "\n";
    return 1;
  }
  std::cout << "ok\n";
  return 0;
}
