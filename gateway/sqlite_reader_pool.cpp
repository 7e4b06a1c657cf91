#include "gateway/sqlite_reader_pool.h"

#include <utility>

namespace wm::gateway {

ReaderPool::ReaderPool(std::string path, std::size_t max_idle)
    : path_(std::move(path)), max_idle_(max_idle == 0 ? 1 : max_idle) {
  idle_.push_back(std::make_unique<Connection>(path_, Connection::Mode::kReadOnly));
  opened_ = 1;
}

ReaderPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->give_back(std::move(connection_));
}

ReaderPool::Lease ReaderPool::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
  }
  // Opened outside the lock: opening reads the file's header.
  auto connection = std::make_unique<Connection>(path_, Connection::Mode::kReadOnly);
  std::lock_guard lock(mu_);
  ++opened_;
  return Lease(*this, std::move(connection));
}

void ReaderPool::give_back(std::unique_ptr<Connection> connection) {
  std::unique_lock lock(mu_);
  if (idle_.size() < max_idle_) {
    idle_.push_back(std::move(connection));
    return;
  }
  lock.unlock();  // closed outside the lock
  connection.reset();
}

std::size_t ReaderPool::idle() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

std::size_t ReaderPool::opened() const {
  std::lock_guard lock(mu_);
  return opened_;
}

}  // namespace wm::gateway
