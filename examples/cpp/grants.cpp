// oauth2kit from C++: client credentials, password + refresh, and an OAuth
// error caught with its RFC fields.
//
//   ./grants http://127.0.0.1:PORT        (the devserver)
#include <iostream>

#include "oauth2kit.hpp"

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
                                 .discover(issuer));
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
  } catch (const oauth2kit::Error& e) {
    std::cerr << "failed: " << e.what() << "\n";
    return 1;
  }
  std::cout << "ok\n";
  return 0;
}
