// The Hub object: opening the data folder, serving the API (gate in front, workers behind), and figures.
#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "hub_credentials.h"
#include "console.h"
#include "hub_impl.h"
#include "soundings/loader.h"

namespace soundings::hub {

namespace detail {

Result<ConsultationPtr> HubState::definition(const std::string& id, int version) {
  const auto key = std::make_pair(id, version);
  {
    const std::lock_guard lock(definitions_mutex_);
    if (const auto found = definitions_.find(key); found != definitions_.end()) return found->second;
  }
  // Not cached: it may have been published by an admin command in another process.
  const auto text = store->definition(id, version);
  if (!text) return text.error();
  if (!text->has_value()) return ConsultationPtr();
  LoadOutcome loaded = load_consultation(**text);
  if (!loaded.ok()) return ConsultationPtr();
  const std::lock_guard lock(definitions_mutex_);
  definitions_.emplace(key, loaded.consultation);
  return loaded.consultation;
}

Status HubState::note_contact(const std::string& device_id) {
  const TimePoint at = now();
  {
    const std::lock_guard lock(contact_mutex_);
    auto& written = contact_written_[device_id];
    if (written != TimePoint{} && at - written < std::chrono::minutes(1)) return Status::success();
    written = at;
  }
  return store->record_contact(device_id, format_iso8601_utc(at));
}

const char* consultation_status(const std::string& today, const std::string& opens, const std::string& closes) {
  // ISO dates compare correctly as text.
  if (today < opens) return "upcoming";
  if (today > closes) return "closed";
  return "open";
}

Result<std::unique_ptr<Store>> open_store(const HubConfig& config) {
  if (config.database.empty()) {
    return Store::open((std::filesystem::path(config.data_dir) / "hub.sqlite").string(),
                       config.max_database_connections);
  }
  if (!db::is_postgres_url(config.database)) {
    return Error{ErrorCode::InvalidInput, "--database must be a PostgreSQL URL (postgresql://...), not \"" +
                                              db::redact_url(config.database) + "\""};
  }
  return Store::open_postgres(config.database, config.max_database_connections, config.create);
}

Result<KeyPair> load_keys_for(const HubConfig& config, Store& store) {
  const auto key_file = std::filesystem::path(config.data_dir) / "hub-keys.json";
  auto recorded = store.recorded_public_key();
  if (!recorded) return storage_error(recorded.error());
  if (!recorded->empty() && !std::filesystem::exists(key_file)) {
    // A second hub on a shared database: a new key pair would seal answers the first hub cannot open.
    return Error{ErrorCode::InvalidInput,
                 key_file.string() + " is missing, and this database already belongs to a hub with a sealing key: "
                                     "copy hub-keys.json from the first hub's data folder into " +
                     config.data_dir + " (the same key pair serves every hub on one database)"};
  }
  auto keys = load_or_create_keys(config.data_dir);
  if (!keys) return keys.error();
  auto claimed = store.claim_public_key(keys->public_key_b64);
  if (!claimed) return storage_error(claimed.error());
  if (*claimed != keys->public_key_b64) {
    return Error{ErrorCode::InvalidInput,
                 key_file.string() + " holds a different key pair from the one this database was first used with "
                                     "(public key " + *claimed + "): refusing to start, since answers sealed with "
                                     "one key cannot be opened with the other; copy the first hub's hub-keys.json here"};
  }
  return keys;
}

}  // namespace detail

Hub::Hub(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Hub::~Hub() { stop(); }

Result<std::unique_ptr<Hub>> Hub::open(HubConfig config) {
  if (config.data_dir.empty()) return Error{ErrorCode::InvalidInput, "no data folder given (--data DIR)"};
  std::error_code error;
  std::filesystem::create_directories(config.data_dir, error);
  if (error) return Error{ErrorCode::Storage, config.data_dir + ": " + error.message()};
  if (config.max_body_bytes == 0 || config.max_batch_items == 0 || config.worker_threads < 1) {
    return Error{ErrorCode::InvalidInput, "the body limit, batch limit and worker threads must all be above 0"};
  }
  const std::pair<bool, const char*> gate_limits[] = {
      {config.header_timeout.count() > 0, "HubConfig::header_timeout must be above 0"},
      {config.body_timeout.count() > 0, "HubConfig::body_timeout must be above 0"},
      {config.write_timeout.count() > 0, "HubConfig::write_timeout must be above 0"},
      {config.min_transfer_rate > 0, "HubConfig::min_transfer_rate must be above 0"},
      {config.max_connections > 0, "HubConfig::max_connections must be above 0"},
      {config.max_buffered_bytes > 0, "HubConfig::max_buffered_bytes must be above 0"},
      {config.max_header_bytes >= 256, "HubConfig::max_header_bytes must be at least 256"},
  };
  for (const auto& [ok, problem] : gate_limits) {
    if (!ok) return Error{ErrorCode::InvalidInput, problem};
  }

  auto impl = std::make_unique<Impl>();
  impl->clock = config.clock ? config.clock : std::make_shared<SystemTimeSource>();
  auto store = detail::open_store(config);
  if (!store) return store.error();
  impl->store = std::move(store.value());
  // Responses stored before facets were drawn at ingest (hub_facets.h) are given them once, here.
  if (auto backfilled = impl->store->backfill_facets(); !backfilled) return detail::storage_error(backfilled.error());
  auto keys = detail::load_keys_for(config, *impl->store);
  if (!keys) return keys.error();
  impl->keys = std::move(keys.value());
  impl->config = std::move(config);
  return std::unique_ptr<Hub>(new Hub(std::move(impl)));
}

namespace {

// Per-process random value the gate puts on every request it forwards, so that the internal
// server, though it listens on 127.0.0.1, answers nothing that did not pass the gate.
std::string make_gate_secret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  for (const unsigned char byte : bytes) {
    text += kHex[byte >> 4];
    text += kHex[byte & 15];
  }
  return text;
}

Status check_tls_files(const HubConfig& config) {
  if (config.tls_cert_file.empty() || config.tls_key_file.empty()) {
    return Error{ErrorCode::InvalidInput, "HTTPS needs both --tls-cert FILE and --tls-key FILE"};
  }
  for (const std::string& file : {config.tls_cert_file, config.tls_key_file}) {
    if (!std::ifstream(file).good()) return Error{ErrorCode::InvalidInput, file + ": cannot be read"};
  }
  return {};
}

}  // namespace

Result<int> Hub::listen(const std::string& host, int port) {
  if (impl_->server) return Error{ErrorCode::InvalidInput, "this hub is already serving"};
  const HubConfig& config = impl_->config;
  const bool tls = !config.tls_cert_file.empty() || !config.tls_key_file.empty();
  if (tls) {
    if (const Status files = check_tls_files(config); !files) return files.error();
  }
  const std::string secret = make_gate_secret();
  if (secret.empty()) return Error{ErrorCode::Crypto, "no random bytes for the gate's secret"};

  // Workers only ever see whole requests that the gate has already read, so their timeouts are
  // short: the internal server is on loopback and only a local process could be slow on it.
  auto server = std::make_unique<httplib::Server>();
  const int threads = config.worker_threads;
  server->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server->set_payload_max_length(config.max_body_bytes);
  server->set_read_timeout(5, 0);
  server->set_write_timeout(30, 0);
  server->set_keep_alive_timeout(1);
  // httplib writes an answer's headers and body separately; with Nagle on, the body waits for the
  // peer's delayed ACK (40 ms on Linux) on every batch.
  server->set_tcp_nodelay(true);
  server->set_pre_routing_handler([secret](const httplib::Request& req, httplib::Response& res) {
    const std::string given = req.get_header_value(detail::kGateSecretHeader);
    if (given.size() == secret.size() && CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 403;
    res.set_content(nlohmann::json{{"error", "forbidden"},
                                   {"message", "this port serves the hub's own gate only; use the hub's address"}}
                        .dump(),
                    "application/json; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  });
  detail::install_routes(*server, *impl_);
  detail::console::install_console(*server, *impl_);

  const int backend_port = server->bind_to_any_port("127.0.0.1");
  if (backend_port <= 0) return Error{ErrorCode::Internal, "the hub could not listen on 127.0.0.1 for its workers"};
  httplib::Server* raw = server.get();
  impl_->server = std::move(server);
  impl_->server_thread = std::thread([raw] { raw->listen_after_bind(); });
  // stop() only works on a server that has entered its accept loop.
  for (int i = 0; i < 500 && !raw->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!raw->is_running()) {
    stop();
    return Error{ErrorCode::Internal, "the HTTP server did not start"};
  }

  detail::GateSettings gate;
  gate.host = host;
  gate.port = port;
  gate.backend_port = backend_port;
  gate.secret = secret;
  gate.header_timeout = config.header_timeout;
  gate.max_header_bytes = config.max_header_bytes;
  gate.body_timeout = config.body_timeout;
  gate.write_timeout = config.write_timeout;
  gate.min_transfer_rate = config.min_transfer_rate;
  gate.max_body_bytes = config.max_body_bytes;
  gate.max_connections = config.max_connections;
  gate.max_buffered_bytes = config.max_buffered_bytes;
  if (tls) {
    gate.tls_cert_file = config.tls_cert_file;
    gate.tls_key_file = config.tls_key_file;
  }
  auto started = detail::ConnectionGate::start(std::move(gate));
  if (!started) {
    stop();
    return started.error();
  }
  impl_->gate = std::move(started.value());
  return impl_->gate->port();
}

void Hub::stop() {
  if (!impl_) return;
  // The gate first, so that nothing new reaches the workers while they stop.
  if (impl_->gate) {
    impl_->gate->stop();
    impl_->gate.reset();
  }
  if (!impl_->server) return;
  impl_->server->stop();
  if (impl_->server_thread.joinable()) impl_->server_thread.join();
  impl_->server.reset();
}

Result<int64_t> Hub::stored_count(const std::string& consultation_id) {
  return impl_->store->stored_count(consultation_id);
}

Result<int64_t> Hub::quarantine_count() { return impl_->store->quarantine_count(""); }

Result<std::vector<std::string>> Hub::stored_ids() { return impl_->store->stored_ids(); }

std::string Hub::hub_id() const { return impl_->store->hub_id(); }

std::string Hub::seal_public_key() const { return impl_->keys.public_key_b64; }

}  // namespace soundings::hub
