// The Hub object: opening the data folder, serving the API on its own threads, and figures.
#include <httplib.h>

#include <filesystem>
#include <fstream>

#include "hub_credentials.h"
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

  auto impl = std::make_unique<Impl>();
  impl->clock = config.clock ? config.clock : std::make_shared<SystemTimeSource>();
  auto keys = detail::load_or_create_keys(config.data_dir);
  if (!keys) return keys.error();
  impl->keys = std::move(keys.value());
  auto store = detail::Store::open((std::filesystem::path(config.data_dir) / "hub.sqlite").string());
  if (!store) return store.error();
  impl->store = std::move(store.value());
  impl->config = std::move(config);
  return std::unique_ptr<Hub>(new Hub(std::move(impl)));
}

Result<int> Hub::listen(const std::string& host, int port) {
  if (impl_->server) return Error{ErrorCode::InvalidInput, "this hub is already serving"};
  const HubConfig& config = impl_->config;
  std::unique_ptr<httplib::Server> server;
  if (!config.tls_cert_file.empty() || !config.tls_key_file.empty()) {
    if (config.tls_cert_file.empty() || config.tls_key_file.empty()) {
      return Error{ErrorCode::InvalidInput, "HTTPS needs both --tls-cert FILE and --tls-key FILE"};
    }
    for (const std::string& file : {config.tls_cert_file, config.tls_key_file}) {
      if (!std::ifstream(file).good()) return Error{ErrorCode::InvalidInput, file + ": cannot be read"};
    }
    auto tls = std::make_unique<httplib::SSLServer>(config.tls_cert_file.c_str(), config.tls_key_file.c_str());
    if (!tls->is_valid()) {
      return Error{ErrorCode::Crypto, config.tls_cert_file + " / " + config.tls_key_file +
                                          ": not a matching PEM certificate and private key"};
    }
    server = std::move(tls);
  } else {
    server = std::make_unique<httplib::Server>();
  }

  const int threads = config.worker_threads;
  server->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  server->set_payload_max_length(config.max_body_bytes);
  server->set_read_timeout(30, 0);
  server->set_write_timeout(30, 0);
  server->set_keep_alive_timeout(10);
  // httplib writes an answer's headers and body separately; with Nagle on, the body waits for the
  // device's delayed ACK (40 ms on Linux) on every batch.
  server->set_tcp_nodelay(true);
  server->set_keep_alive_max_count(1000);
  detail::install_routes(*server, *impl_);

  const int bound = port == 0 ? server->bind_to_any_port(host) : (server->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return Error{ErrorCode::InvalidInput, "cannot listen on " + host + ":" + std::to_string(port) +
                                              " (address in use, or not an address of this machine)"};
  }
  httplib::Server* raw = server.get();
  impl_->server = std::move(server);
  impl_->server_thread = std::thread([raw] { raw->listen_after_bind(); });
  // stop() only works on a server that has entered its accept loop.
  for (int i = 0; i < 500 && !raw->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (!raw->is_running()) {
    stop();
    return Error{ErrorCode::Internal, "the HTTP server did not start"};
  }
  return bound;
}

void Hub::stop() {
  if (!impl_ || !impl_->server) return;
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
