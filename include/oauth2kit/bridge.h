#pragma once
#include "oauth2kit/poll_observer.h"
#include "oauth2kit/session_glue.h"
#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#if __cplusplus >= 201703L
#include <string_view>
#endif
#if __cplusplus >= 202002L
#include <ranges>
#endif

#ifdef __clang__
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdollar-in-identifier-extension"
#endif // __clang__

namespace rust {
inline namespace cxxbridge1 {
// #include "rust/cxx.h"

#ifndef CXXBRIDGE1_PANIC
#define CXXBRIDGE1_PANIC
template <typename Exception>
void panic [[noreturn]] (const char *msg);
#endif // CXXBRIDGE1_PANIC

struct unsafe_bitcopy_t;

namespace {
template <typename T>
class impl;
} // namespace

template <typename T>
::std::size_t size_of();
template <typename T>
::std::size_t align_of();

#ifndef CXXBRIDGE1_RUST_STRING
#define CXXBRIDGE1_RUST_STRING
class String final {
public:
  String() noexcept;
  String(const String &) noexcept;
  String(String &&) noexcept;
  ~String() noexcept;

  String(const std::string &);
  String(const char *);
  String(const char *, std::size_t);
  String(const char16_t *);
  String(const char16_t *, std::size_t);
#ifdef __cpp_char8_t
  String(const char8_t *s);
  String(const char8_t *s, std::size_t len);
#endif

  static String lossy(const std::string &) noexcept;
  static String lossy(const char *) noexcept;
  static String lossy(const char *, std::size_t) noexcept;
  static String lossy(const char16_t *) noexcept;
  static String lossy(const char16_t *, std::size_t) noexcept;

  String &operator=(const String &) & noexcept;
  String &operator=(String &&) & noexcept;

  explicit operator std::string() const;

  const char *data() const noexcept;
  char *data() noexcept;

  std::size_t size() const noexcept;
  std::size_t length() const noexcept;
  bool empty() const noexcept;

  const char *c_str() noexcept;

  std::size_t capacity() const noexcept;
  void reserve(size_t new_cap) noexcept;

  using iterator = char *;
  iterator begin() noexcept;
  iterator end() noexcept;

  using const_iterator = const char *;
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;
  const_iterator cbegin() const noexcept;
  const_iterator cend() const noexcept;

  bool operator==(const String &) const noexcept;
  bool operator!=(const String &) const noexcept;
  bool operator<(const String &) const noexcept;
  bool operator<=(const String &) const noexcept;
  bool operator>(const String &) const noexcept;
  bool operator>=(const String &) const noexcept;

  void swap(String &) noexcept;

  String(unsafe_bitcopy_t, const String &) noexcept;

private:
  struct lossy_t;
  String(lossy_t, const char *, std::size_t) noexcept;
  String(lossy_t, const char16_t *, std::size_t) noexcept;
  friend void swap(String &lhs, String &rhs) noexcept { lhs.swap(rhs); }

  std::array<std::uintptr_t, 3> repr;
};
#endif // CXXBRIDGE1_RUST_STRING

#ifndef CXXBRIDGE1_RUST_STR
#define CXXBRIDGE1_RUST_STR
class Str final {
public:
  Str() noexcept;
  Str(const String &) noexcept;
  Str(const std::string &);
  Str(const char *);
  Str(const char *, std::size_t);

  Str &operator=(const Str &) & noexcept = default;

  explicit operator std::string() const;
#if __cplusplus >= 201703L
  explicit operator std::string_view() const;
#endif

  const char *data() const noexcept;
  std::size_t size() const noexcept;
  std::size_t length() const noexcept;
  bool empty() const noexcept;

  Str(const Str &) noexcept = default;
  ~Str() noexcept = default;

  using iterator = const char *;
  using const_iterator = const char *;
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;
  const_iterator cbegin() const noexcept;
  const_iterator cend() const noexcept;

  bool operator==(const Str &) const noexcept;
  bool operator!=(const Str &) const noexcept;
  bool operator<(const Str &) const noexcept;
  bool operator<=(const Str &) const noexcept;
  bool operator>(const Str &) const noexcept;
  bool operator>=(const Str &) const noexcept;

  void swap(Str &) noexcept;

private:
  class uninit;
  Str(uninit) noexcept;
  friend impl<Str>;

  std::array<std::uintptr_t, 2> repr;
};
#endif // CXXBRIDGE1_RUST_STR

#ifndef CXXBRIDGE1_RUST_SLICE
#define CXXBRIDGE1_RUST_SLICE
namespace detail {
template <bool>
struct copy_assignable_if {};

template <>
struct copy_assignable_if<false> {
  copy_assignable_if() noexcept = default;
  copy_assignable_if(const copy_assignable_if &) noexcept = default;
  copy_assignable_if &operator=(const copy_assignable_if &) & noexcept = delete;
  copy_assignable_if &operator=(copy_assignable_if &&) & noexcept = default;
};
} // namespace detail

template <typename T>
class Slice final
    : private detail::copy_assignable_if<std::is_const<T>::value> {
public:
  using value_type = T;

  Slice() noexcept;
  Slice(T *, std::size_t count) noexcept;

  template <typename C>
  explicit Slice(C &c) : Slice(c.data(), c.size()) {}

  Slice &operator=(const Slice<T> &) & noexcept = default;
  Slice &operator=(Slice<T> &&) & noexcept = default;

  T *data() const noexcept;
  std::size_t size() const noexcept;
  std::size_t length() const noexcept;
  bool empty() const noexcept;

  T &operator[](std::size_t n) const noexcept;
  T &at(std::size_t n) const;
  T &front() const noexcept;
  T &back() const noexcept;

  Slice(const Slice<T> &) noexcept = default;
  ~Slice() noexcept = default;

  class iterator;
  iterator begin() const noexcept;
  iterator end() const noexcept;

  void swap(Slice &) noexcept;

private:
  class uninit;
  Slice(uninit) noexcept;
  friend impl<Slice>;
  friend void sliceInit(void *, const void *, std::size_t) noexcept;
  friend void *slicePtr(const void *) noexcept;
  friend std::size_t sliceLen(const void *) noexcept;

  std::array<std::uintptr_t, 2> repr;
};

#ifdef __cpp_deduction_guides
template <typename C>
explicit Slice(C &c)
    -> Slice<std::remove_reference_t<decltype(*std::declval<C>().data())>>;
#endif // __cpp_deduction_guides

template <typename T>
class Slice<T>::iterator final {
public:
#if __cplusplus >= 202002L
  using iterator_category = std::contiguous_iterator_tag;
#else
  using iterator_category = std::random_access_iterator_tag;
#endif
  using value_type = T;
  using difference_type = std::ptrdiff_t;
  using pointer = typename std::add_pointer<T>::type;
  using reference = typename std::add_lvalue_reference<T>::type;

  reference operator*() const noexcept;
  pointer operator->() const noexcept;
  reference operator[](difference_type) const noexcept;

  iterator &operator++() noexcept;
  iterator operator++(int) noexcept;
  iterator &operator--() noexcept;
  iterator operator--(int) noexcept;

  iterator &operator+=(difference_type) noexcept;
  iterator &operator-=(difference_type) noexcept;
  iterator operator+(difference_type) const noexcept;
  friend inline iterator operator+(difference_type lhs, iterator rhs) noexcept {
    return rhs + lhs;
  }
  iterator operator-(difference_type) const noexcept;
  difference_type operator-(const iterator &) const noexcept;

  bool operator==(const iterator &) const noexcept;
  bool operator!=(const iterator &) const noexcept;
  bool operator<(const iterator &) const noexcept;
  bool operator<=(const iterator &) const noexcept;
  bool operator>(const iterator &) const noexcept;
  bool operator>=(const iterator &) const noexcept;

private:
  friend class Slice;
  void *pos;
  std::size_t stride;
};

template <typename T>
Slice<T>::Slice() noexcept {
  sliceInit(this, reinterpret_cast<void *>(align_of<T>()), 0);
}

template <typename T>
Slice<T>::Slice(T *s, std::size_t count) noexcept {
  assert(s != nullptr || count == 0);
  sliceInit(this,
            s == nullptr && count == 0
                ? reinterpret_cast<void *>(align_of<T>())
                : const_cast<typename std::remove_const<T>::type *>(s),
            count);
}

template <typename T>
T *Slice<T>::data() const noexcept {
  return reinterpret_cast<T *>(slicePtr(this));
}

template <typename T>
std::size_t Slice<T>::size() const noexcept {
  return sliceLen(this);
}

template <typename T>
std::size_t Slice<T>::length() const noexcept {
  return this->size();
}

template <typename T>
bool Slice<T>::empty() const noexcept {
  return this->size() == 0;
}

template <typename T>
T &Slice<T>::operator[](std::size_t n) const noexcept {
  assert(n < this->size());
  auto ptr = static_cast<char *>(slicePtr(this)) + size_of<T>() * n;
  return *reinterpret_cast<T *>(ptr);
}

template <typename T>
T &Slice<T>::at(std::size_t n) const {
  if (n >= this->size()) {
    panic<std::out_of_range>("rust::Slice index out of range");
  }
  return (*this)[n];
}

template <typename T>
T &Slice<T>::front() const noexcept {
  assert(!this->empty());
  return (*this)[0];
}

template <typename T>
T &Slice<T>::back() const noexcept {
  assert(!this->empty());
  return (*this)[this->size() - 1];
}

template <typename T>
typename Slice<T>::iterator::reference
Slice<T>::iterator::operator*() const noexcept {
  return *static_cast<T *>(this->pos);
}

template <typename T>
typename Slice<T>::iterator::pointer
Slice<T>::iterator::operator->() const noexcept {
  return static_cast<T *>(this->pos);
}

template <typename T>
typename Slice<T>::iterator::reference Slice<T>::iterator::operator[](
    typename Slice<T>::iterator::difference_type n) const noexcept {
  auto ptr = static_cast<char *>(this->pos) + this->stride * n;
  return *reinterpret_cast<T *>(ptr);
}

template <typename T>
typename Slice<T>::iterator &Slice<T>::iterator::operator++() noexcept {
  this->pos = static_cast<char *>(this->pos) + this->stride;
  return *this;
}

template <typename T>
typename Slice<T>::iterator Slice<T>::iterator::operator++(int) noexcept {
  auto ret = iterator(*this);
  this->pos = static_cast<char *>(this->pos) + this->stride;
  return ret;
}

template <typename T>
typename Slice<T>::iterator &Slice<T>::iterator::operator--() noexcept {
  this->pos = static_cast<char *>(this->pos) - this->stride;
  return *this;
}

template <typename T>
typename Slice<T>::iterator Slice<T>::iterator::operator--(int) noexcept {
  auto ret = iterator(*this);
  this->pos = static_cast<char *>(this->pos) - this->stride;
  return ret;
}

template <typename T>
typename Slice<T>::iterator &Slice<T>::iterator::operator+=(
    typename Slice<T>::iterator::difference_type n) noexcept {
  this->pos = static_cast<char *>(this->pos) + this->stride * n;
  return *this;
}

template <typename T>
typename Slice<T>::iterator &Slice<T>::iterator::operator-=(
    typename Slice<T>::iterator::difference_type n) noexcept {
  this->pos = static_cast<char *>(this->pos) - this->stride * n;
  return *this;
}

template <typename T>
typename Slice<T>::iterator Slice<T>::iterator::operator+(
    typename Slice<T>::iterator::difference_type n) const noexcept {
  auto ret = iterator(*this);
  ret.pos = static_cast<char *>(this->pos) + this->stride * n;
  return ret;
}

template <typename T>
typename Slice<T>::iterator Slice<T>::iterator::operator-(
    typename Slice<T>::iterator::difference_type n) const noexcept {
  auto ret = iterator(*this);
  ret.pos = static_cast<char *>(this->pos) - this->stride * n;
  return ret;
}

template <typename T>
typename Slice<T>::iterator::difference_type
Slice<T>::iterator::operator-(const iterator &other) const noexcept {
  auto diff = std::distance(static_cast<char *>(other.pos),
                            static_cast<char *>(this->pos));
  return diff / static_cast<typename Slice<T>::iterator::difference_type>(
                    this->stride);
}

template <typename T>
bool Slice<T>::iterator::operator==(const iterator &other) const noexcept {
  return this->pos == other.pos;
}

template <typename T>
bool Slice<T>::iterator::operator!=(const iterator &other) const noexcept {
  return this->pos != other.pos;
}

template <typename T>
bool Slice<T>::iterator::operator<(const iterator &other) const noexcept {
  return this->pos < other.pos;
}

template <typename T>
bool Slice<T>::iterator::operator<=(const iterator &other) const noexcept {
  return this->pos <= other.pos;
}

template <typename T>
bool Slice<T>::iterator::operator>(const iterator &other) const noexcept {
  return this->pos > other.pos;
}

template <typename T>
bool Slice<T>::iterator::operator>=(const iterator &other) const noexcept {
  return this->pos >= other.pos;
}

template <typename T>
typename Slice<T>::iterator Slice<T>::begin() const noexcept {
  iterator it;
  it.pos = slicePtr(this);
  it.stride = size_of<T>();
  return it;
}

template <typename T>
typename Slice<T>::iterator Slice<T>::end() const noexcept {
  iterator it = this->begin();
  it.pos = static_cast<char *>(it.pos) + it.stride * this->size();
  return it;
}

template <typename T>
void Slice<T>::swap(Slice &rhs) noexcept {
  std::swap(*this, rhs);
}
#endif // CXXBRIDGE1_RUST_SLICE

#ifndef CXXBRIDGE1_RUST_BOX
#define CXXBRIDGE1_RUST_BOX
template <typename T>
class Box final {
public:
  using element_type = T;
  using const_pointer =
      typename std::add_pointer<typename std::add_const<T>::type>::type;
  using pointer = typename std::add_pointer<T>::type;

  Box() = delete;
  Box(Box &&) noexcept;
  ~Box() noexcept;

  explicit Box(const T &);
  explicit Box(T &&);

  Box &operator=(Box &&) & noexcept;

  const T *operator->() const noexcept;
  const T &operator*() const noexcept;
  T *operator->() noexcept;
  T &operator*() noexcept;

  template <typename... Fields>
  static Box in_place(Fields &&...);

  void swap(Box &) noexcept;

  static Box from_raw(T *) noexcept;

  T *into_raw() noexcept;

  /* Deprecated */ using value_type = element_type;

private:
  class uninit;
  class allocation;
  Box(uninit) noexcept;
  void drop() noexcept;

  friend void swap(Box &lhs, Box &rhs) noexcept { lhs.swap(rhs); }

  T *ptr;
};

template <typename T>
class Box<T>::uninit {};

template <typename T>
class Box<T>::allocation {
  static T *alloc() noexcept;
  static void dealloc(T *) noexcept;

public:
  allocation() noexcept : ptr(alloc()) {}
  ~allocation() noexcept {
    if (this->ptr) {
      dealloc(this->ptr);
    }
  }
  T *ptr;
};

template <typename T>
Box<T>::Box(Box &&other) noexcept : ptr(other.ptr) {
  other.ptr = nullptr;
}

template <typename T>
Box<T>::Box(const T &val) {
  allocation alloc;
  ::new (alloc.ptr) T(val);
  this->ptr = alloc.ptr;
  alloc.ptr = nullptr;
}

template <typename T>
Box<T>::Box(T &&val) {
  allocation alloc;
  ::new (alloc.ptr) T(std::move(val));
  this->ptr = alloc.ptr;
  alloc.ptr = nullptr;
}

template <typename T>
Box<T>::~Box() noexcept {
  if (this->ptr) {
    this->drop();
  }
}

template <typename T>
Box<T> &Box<T>::operator=(Box &&other) & noexcept {
  if (this->ptr) {
    this->drop();
  }
  this->ptr = other.ptr;
  other.ptr = nullptr;
  return *this;
}

template <typename T>
const T *Box<T>::operator->() const noexcept {
  return this->ptr;
}

template <typename T>
const T &Box<T>::operator*() const noexcept {
  return *this->ptr;
}

template <typename T>
T *Box<T>::operator->() noexcept {
  return this->ptr;
}

template <typename T>
T &Box<T>::operator*() noexcept {
  return *this->ptr;
}

template <typename T>
template <typename... Fields>
Box<T> Box<T>::in_place(Fields &&...fields) {
  allocation alloc;
  auto ptr = alloc.ptr;
  ::new (ptr) T{std::forward<Fields>(fields)...};
  alloc.ptr = nullptr;
  return from_raw(ptr);
}

template <typename T>
void Box<T>::swap(Box &rhs) noexcept {
  using std::swap;
  swap(this->ptr, rhs.ptr);
}

template <typename T>
Box<T> Box<T>::from_raw(T *raw) noexcept {
  Box box = uninit{};
  box.ptr = raw;
  return box;
}

template <typename T>
T *Box<T>::into_raw() noexcept {
  T *raw = this->ptr;
  this->ptr = nullptr;
  return raw;
}

template <typename T>
Box<T>::Box(uninit) noexcept {}
#endif // CXXBRIDGE1_RUST_BOX

#ifndef CXXBRIDGE1_RUST_BITCOPY_T
#define CXXBRIDGE1_RUST_BITCOPY_T
struct unsafe_bitcopy_t final {
  explicit unsafe_bitcopy_t() = default;
};
#endif // CXXBRIDGE1_RUST_BITCOPY_T

#ifndef CXXBRIDGE1_RUST_VEC
#define CXXBRIDGE1_RUST_VEC
template <typename T>
class Vec final {
public:
  using value_type = T;

  Vec() noexcept;
  Vec(std::initializer_list<T>);
  Vec(const Vec &);
  Vec(Vec &&) noexcept;
  ~Vec() noexcept;

  Vec &operator=(Vec &&) & noexcept;
  Vec &operator=(const Vec &) &;

  std::size_t size() const noexcept;
  bool empty() const noexcept;
  const T *data() const noexcept;
  T *data() noexcept;
  std::size_t capacity() const noexcept;

  const T &operator[](std::size_t n) const noexcept;
  const T &at(std::size_t n) const;
  const T &front() const noexcept;
  const T &back() const noexcept;

  T &operator[](std::size_t n) noexcept;
  T &at(std::size_t n);
  T &front() noexcept;
  T &back() noexcept;

  void reserve(std::size_t new_cap);
  void push_back(const T &value);
  void push_back(T &&value);
  template <typename... Args>
  void emplace_back(Args &&...args);
  void truncate(std::size_t len);
  void clear();

  using iterator = typename Slice<T>::iterator;
  iterator begin() noexcept;
  iterator end() noexcept;

  using const_iterator = typename Slice<const T>::iterator;
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;
  const_iterator cbegin() const noexcept;
  const_iterator cend() const noexcept;

  void swap(Vec &) noexcept;

  Vec(unsafe_bitcopy_t, const Vec &) noexcept;

private:
  void reserve_total(std::size_t new_cap) noexcept;
  void set_len(std::size_t len) noexcept;
  void drop() noexcept;

  friend void swap(Vec &lhs, Vec &rhs) noexcept { lhs.swap(rhs); }

  std::array<std::uintptr_t, 3> repr;
};

template <typename T>
Vec<T>::Vec(std::initializer_list<T> init) : Vec{} {
  this->reserve_total(init.size());
  std::move(init.begin(), init.end(), std::back_inserter(*this));
}

template <typename T>
Vec<T>::Vec(const Vec &other) : Vec() {
  this->reserve_total(other.size());
  std::copy(other.begin(), other.end(), std::back_inserter(*this));
}

template <typename T>
Vec<T>::Vec(Vec &&other) noexcept : repr(other.repr) {
  new (&other) Vec();
}

template <typename T>
Vec<T>::~Vec() noexcept {
  this->drop();
}

template <typename T>
Vec<T> &Vec<T>::operator=(Vec &&other) & noexcept {
  this->drop();
  this->repr = other.repr;
  new (&other) Vec();
  return *this;
}

template <typename T>
Vec<T> &Vec<T>::operator=(const Vec &other) & {
  if (this != &other) {
    this->drop();
    new (this) Vec(other);
  }
  return *this;
}

template <typename T>
bool Vec<T>::empty() const noexcept {
  return this->size() == 0;
}

template <typename T>
const T &Vec<T>::operator[](std::size_t n) const noexcept {
  assert(n < this->size());
  auto data = reinterpret_cast<const char *>(this->data());
  return *reinterpret_cast<const T *>(data + n * size_of<T>());
}

template <typename T>
const T &Vec<T>::at(std::size_t n) const {
  if (n >= this->size()) {
    panic<std::out_of_range>("rust::Vec index out of range");
  }
  return (*this)[n];
}

template <typename T>
const T &Vec<T>::front() const noexcept {
  assert(!this->empty());
  return (*this)[0];
}

template <typename T>
const T &Vec<T>::back() const noexcept {
  assert(!this->empty());
  return (*this)[this->size() - 1];
}

template <typename T>
T &Vec<T>::operator[](std::size_t n) noexcept {
  assert(n < this->size());
  auto data = reinterpret_cast<char *>(this->data());
  return *reinterpret_cast<T *>(data + n * size_of<T>());
}

template <typename T>
T &Vec<T>::at(std::size_t n) {
  if (n >= this->size()) {
    panic<std::out_of_range>("rust::Vec index out of range");
  }
  return (*this)[n];
}

template <typename T>
T &Vec<T>::front() noexcept {
  assert(!this->empty());
  return (*this)[0];
}

template <typename T>
T &Vec<T>::back() noexcept {
  assert(!this->empty());
  return (*this)[this->size() - 1];
}

template <typename T>
void Vec<T>::reserve(std::size_t new_cap) {
  this->reserve_total(new_cap);
}

template <typename T>
void Vec<T>::push_back(const T &value) {
  this->emplace_back(value);
}

template <typename T>
void Vec<T>::push_back(T &&value) {
  this->emplace_back(std::move(value));
}

template <typename T>
template <typename... Args>
void Vec<T>::emplace_back(Args &&...args) {
  auto size = this->size();
  this->reserve_total(size + 1);
  ::new (reinterpret_cast<T *>(reinterpret_cast<char *>(this->data()) +
                               size * size_of<T>()))
      T(std::forward<Args>(args)...);
  this->set_len(size + 1);
}

template <typename T>
void Vec<T>::clear() {
  this->truncate(0);
}

template <typename T>
typename Vec<T>::iterator Vec<T>::begin() noexcept {
  return Slice<T>(this->data(), this->size()).begin();
}

template <typename T>
typename Vec<T>::iterator Vec<T>::end() noexcept {
  return Slice<T>(this->data(), this->size()).end();
}

template <typename T>
typename Vec<T>::const_iterator Vec<T>::begin() const noexcept {
  return this->cbegin();
}

template <typename T>
typename Vec<T>::const_iterator Vec<T>::end() const noexcept {
  return this->cend();
}

template <typename T>
typename Vec<T>::const_iterator Vec<T>::cbegin() const noexcept {
  return Slice<const T>(this->data(), this->size()).begin();
}

template <typename T>
typename Vec<T>::const_iterator Vec<T>::cend() const noexcept {
  return Slice<const T>(this->data(), this->size()).end();
}

template <typename T>
void Vec<T>::swap(Vec &rhs) noexcept {
  using std::swap;
  swap(this->repr, rhs.repr);
}

template <typename T>
Vec<T>::Vec(unsafe_bitcopy_t, const Vec &bits) noexcept : repr(bits.repr) {}
#endif // CXXBRIDGE1_RUST_VEC

#ifndef CXXBRIDGE1_RUST_OPAQUE
#define CXXBRIDGE1_RUST_OPAQUE
class Opaque {
public:
  Opaque() = delete;
  Opaque(const Opaque &) = delete;
  ~Opaque() = delete;
};
#endif // CXXBRIDGE1_RUST_OPAQUE

#ifndef CXXBRIDGE1_IS_COMPLETE
#define CXXBRIDGE1_IS_COMPLETE
namespace detail {
namespace {
template <typename T, typename = std::size_t>
struct is_complete : std::false_type {};
template <typename T>
struct is_complete<T, decltype(sizeof(T))> : std::true_type {};
} // namespace
} // namespace detail
#endif // CXXBRIDGE1_IS_COMPLETE

#ifndef CXXBRIDGE1_LAYOUT
#define CXXBRIDGE1_LAYOUT
class layout {
  template <typename T>
  friend std::size_t size_of();
  template <typename T>
  friend std::size_t align_of();
  template <typename T>
  static typename std::enable_if<std::is_base_of<Opaque, T>::value,
                                 std::size_t>::type
  do_size_of() {
    return T::layout::size();
  }
  template <typename T>
  static typename std::enable_if<!std::is_base_of<Opaque, T>::value,
                                 std::size_t>::type
  do_size_of() {
    return sizeof(T);
  }
  template <typename T>
  static
      typename std::enable_if<detail::is_complete<T>::value, std::size_t>::type
      size_of() {
    return do_size_of<T>();
  }
  template <typename T>
  static typename std::enable_if<std::is_base_of<Opaque, T>::value,
                                 std::size_t>::type
  do_align_of() {
    return T::layout::align();
  }
  template <typename T>
  static typename std::enable_if<!std::is_base_of<Opaque, T>::value,
                                 std::size_t>::type
  do_align_of() {
    return alignof(T);
  }
  template <typename T>
  static
      typename std::enable_if<detail::is_complete<T>::value, std::size_t>::type
      align_of() {
    return do_align_of<T>();
  }
};

template <typename T>
std::size_t size_of() {
  return layout::size_of<T>();
}

template <typename T>
std::size_t align_of() {
  return layout::align_of<T>();
}
#endif // CXXBRIDGE1_LAYOUT
} // namespace cxxbridge1
} // namespace rust

#if __cplusplus >= 201402L
#define CXX_DEFAULT_VALUE(value) = value
#else
#define CXX_DEFAULT_VALUE(value)
#endif

namespace oauth2kit {
  namespace bridge {
    struct Param;
    struct OptString;
    struct Header;
    struct ErrorInfo;
    struct Config;
    struct Client;
    struct Tokens;
    struct Authorization;
    struct IntrospectionResult;
    struct DeviceAuth;
    struct CibaAuth;
    struct Cancel;
    struct Store;
    struct SessionOptions;
    struct Session;
    using PollObserver = ::oauth2kit::bridge::PollObserver;
    using StoreAdapter = ::oauth2kit::bridge::StoreAdapter;
    using ChangeObserver = ::oauth2kit::bridge::ChangeObserver;
  }
}

namespace oauth2kit {
namespace bridge {
#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$Param
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$Param
// A name/value pair.
struct Param final {
  ::rust::String name;
  ::rust::String value;

  using IsRelocatable = ::std::true_type;
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$Param

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$OptString
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$OptString
// A string that may be absent.
struct OptString final {
  bool present CXX_DEFAULT_VALUE(false);
  ::rust::String value;

  using IsRelocatable = ::std::true_type;
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$OptString

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$Header
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$Header
// The header that presents a token.
struct Header final {
  ::rust::String name;
  ::rust::String value;

  using IsRelocatable = ::std::true_type;
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$Header

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$ErrorInfo
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$ErrorInfo
// The details of the last failure on this thread (empty strings = absent).
struct ErrorInfo final {
  ::std::int32_t status CXX_DEFAULT_VALUE(0);
  ::rust::String name;
  ::rust::String message;
  ::rust::String error;
  ::rust::String description;
  ::rust::String uri;
  ::rust::String body;
  ::std::uint16_t http_status CXX_DEFAULT_VALUE(0);
  bool transient CXX_DEFAULT_VALUE(false);
  // The server's Retry-After in seconds, -1 when none.
  double retry_after_seconds CXX_DEFAULT_VALUE(0);

  using IsRelocatable = ::std::true_type;
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$ErrorInfo

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$Config
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$Config
struct Config final : public ::rust::Opaque {
  void set(::rust::Str option, ::rust::Str value);
  ~Config() = delete;

private:
  friend ::rust::layout;
  struct layout {
    static ::std::size_t size() noexcept;
    static ::std::size_t align() noexcept;
  };
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$Config

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$Client
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$Client
struct Client final : public ::rust::Opaque {
  ::rust::Box<::oauth2kit::bridge::Authorization> authorize(::rust::Str scope, ::rust::Str redirect_uri, ::rust::Vec<::oauth2kit::bridge::Param> const &params) const;
  ::rust::Box<::oauth2kit::bridge::Authorization> pushed_authorization_url(::rust::Str scope, ::rust::Str redirect_uri, ::rust::Vec<::oauth2kit::bridge::Param> const &params) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> exchange_redirect(::oauth2kit::bridge::Authorization const &auth, ::rust::Str redirect_url) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> exchange_code(::oauth2kit::bridge::Authorization const &auth, ::rust::Str code) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> client_credentials(::rust::Str scope) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> password(::rust::Str username, ::rust::Str password, ::rust::Str scope) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> refresh(::rust::Str refresh_token, ::rust::Str scope) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> extension_grant(::rust::Str grant_type, ::rust::Vec<::oauth2kit::bridge::Param> const &params) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> token_exchange(::rust::Str subject_token, ::rust::Str subject_token_type, ::rust::Vec<::oauth2kit::bridge::Param> const &options) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> jwt_bearer(::rust::Str assertion, ::rust::Str scope) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> jwt_bearer_signed(::rust::Str key_pem, ::rust::Str issuer, ::rust::Str subject, ::rust::Str audience, ::std::uint32_t lifetime_secs, ::rust::Str scope) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> saml2_bearer(::rust::Str assertion_b64url, ::rust::Str scope) const;
  ::rust::Box<::oauth2kit::bridge::DeviceAuth> device_authorization(::rust::Str scope) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> poll_device_token(::oauth2kit::bridge::DeviceAuth const &device, ::oauth2kit::bridge::PollObserver const &observer, ::oauth2kit::bridge::Cancel const &cancel) const;
  ::rust::Box<::oauth2kit::bridge::CibaAuth> ciba_authorization(::rust::Str login_hint, ::rust::Str scope, ::rust::Str binding_message, ::rust::Vec<::oauth2kit::bridge::Param> const &params) const;
  ::rust::Box<::oauth2kit::bridge::Tokens> poll_ciba_token(::oauth2kit::bridge::CibaAuth const &ciba, ::oauth2kit::bridge::PollObserver const &observer, ::oauth2kit::bridge::Cancel const &cancel) const;
  ::rust::Box<::oauth2kit::bridge::IntrospectionResult> introspect(::rust::Str token, ::std::int32_t hint) const;
  void revoke(::rust::Str token, ::std::int32_t hint) const;
  bool validate(::oauth2kit::bridge::Tokens const &tokens) const;
  ::rust::String userinfo(::oauth2kit::bridge::Tokens const &tokens) const;
  ::rust::String end_session_url(::rust::Str id_token_hint, ::rust::Str post_logout_redirect_uri, ::rust::Str state) const;
  ::oauth2kit::bridge::Header authorization_header(::oauth2kit::bridge::Tokens const &tokens) const noexcept;
  ::rust::Vec<::oauth2kit::bridge::Param> resource_request_headers(::oauth2kit::bridge::Tokens const &tokens, ::rust::Str method, ::rust::Str url) const;
  bool check_resource_response(::oauth2kit::bridge::Tokens const &tokens, ::rust::Str url, ::std::uint16_t status, ::rust::Vec<::oauth2kit::bridge::Param> const &headers) const;
  ~Client() = delete;

private:
  friend ::rust::layout;
  struct layout {
    static ::std::size_t size() noexcept;
    static ::std::size_t align() noexcept;
  };
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$Client

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$Tokens
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$Tokens
struct Tokens final : public ::rust::Opaque {
  ::rust::String access_token() const noexcept;
  ::oauth2kit::bridge::OptString field(::rust::Str name) const noexcept;
  ::oauth2kit::bridge::OptString id_token_claims() const noexcept;
  ::oauth2kit::bridge::OptString authorization_details() const noexcept;
  ::oauth2kit::bridge::OptString dpop_jkt() const noexcept;
  ::std::int64_t expires_at() const noexcept;
  bool is_expired(::std::uint32_t leeway_secs) const noexcept;
  ::rust::String to_json() const;
  ::rust::Box<::oauth2kit::bridge::Tokens> clone_box() const noexcept;
  ~Tokens() = delete;

private:
  friend ::rust::layout;
  struct layout {
    static ::std::size_t size() noexcept;
    static ::std::size_t align() noexcept;
  };
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$Tokens

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$Authorization
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$Authorization
struct Authorization final : public ::rust::Opaque {
  ::rust::String url() const noexcept;
  ::rust::String state() const noexcept;
  ::rust::String to_json() const;
  ~Authorization() = delete;

private:
  friend ::rust::layout;
  struct layout {
    static ::std::size_t size() noexcept;
    static ::std::size_t align() noexcept;
  };
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$Authorization

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$IntrospectionResult
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$IntrospectionResult
struct IntrospectionResult final : public ::rust::Opaque {
  bool active() const noexcept;
  ::oauth2kit::bridge::OptString field(::rust::Str name) const noexcept;
  ~IntrospectionResult() = delete;

private:
  friend ::rust::layout;
  struct layout {
    static ::std::size_t size() noexcept;
    static ::std::size_t align() noexcept;
  };
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$IntrospectionResult

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$DeviceAuth
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$DeviceAuth
struct DeviceAuth final : public ::rust::Opaque {
  ::oauth2kit::bridge::OptString field(::rust::Str name) const noexcept;
  ~DeviceAuth() = delete;

private:
  friend ::rust::layout;
  struct layout {
    static ::std::size_t size() noexcept;
    static ::std::size_t align() noexcept;
  };
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$DeviceAuth

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$CibaAuth
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$CibaAuth
struct CibaAuth final : public ::rust::Opaque {
  ::oauth2kit::bridge::OptString field(::rust::Str name) const noexcept;
  ~CibaAuth() = delete;

private:
  friend ::rust::layout;
  struct layout {
    static ::std::size_t size() noexcept;
    static ::std::size_t align() noexcept;
  };
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$CibaAuth

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$Cancel
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$Cancel
struct Cancel final : public ::rust::Opaque {
  // Stops every poll given this token; callable from any thread.
  void cancel() const noexcept;

  bool is_cancelled() const noexcept;
  ~Cancel() = delete;

private:
  friend ::rust::layout;
  struct layout {
    static ::std::size_t size() noexcept;
    static ::std::size_t align() noexcept;
  };
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$Cancel

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$Store
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$Store
struct Store final : public ::rust::Opaque {
  ::rust::Box<::oauth2kit::bridge::Store> clone_store() const noexcept;
  ::oauth2kit::bridge::OptString load_json() const;
  ~Store() = delete;

private:
  friend ::rust::layout;
  struct layout {
    static ::std::size_t size() noexcept;
    static ::std::size_t align() noexcept;
  };
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$Store

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$SessionOptions
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$SessionOptions
struct SessionOptions final : public ::rust::Opaque {
  void set_store(::oauth2kit::bridge::Store const &store) noexcept;
  void set_initial_tokens(::oauth2kit::bridge::Tokens const &tokens) noexcept;
  void set(::rust::Str option, ::rust::Str value);
  void set_on_change(::std::unique_ptr<::oauth2kit::bridge::ChangeObserver> observer) noexcept;
  ~SessionOptions() = delete;

private:
  friend ::rust::layout;
  struct layout {
    static ::std::size_t size() noexcept;
    static ::std::size_t align() noexcept;
  };
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$SessionOptions

#ifndef CXXBRIDGE1_STRUCT_oauth2kit$bridge$Session
#define CXXBRIDGE1_STRUCT_oauth2kit$bridge$Session
struct Session final : public ::rust::Opaque {
  ::rust::String access_token() const;
  ::rust::Box<::oauth2kit::bridge::Tokens> token() const;
  ::oauth2kit::bridge::Header authorization_header() const;
  ::rust::Vec<::oauth2kit::bridge::Param> resource_request_headers(::rust::Str method, ::rust::Str url) const;
  bool check_resource_response(::rust::Str url, ::std::uint16_t status, ::rust::Vec<::oauth2kit::bridge::Param> const &headers) const;
  void invalidate() const noexcept;
  bool on_unauthorized(::rust::Str access_token) const noexcept;
  void set_tokens(::oauth2kit::bridge::Tokens const &tokens) const;
  void clear() const;
  ~Session() = delete;

private:
  friend ::rust::layout;
  struct layout {
    static ::std::size_t size() noexcept;
    static ::std::size_t align() noexcept;
  };
};
#endif // CXXBRIDGE1_STRUCT_oauth2kit$bridge$Session

// A cancel token for polling (`oauth2kit::CancelToken` in C++).
::rust::Box<::oauth2kit::bridge::Cancel> new_cancel() noexcept;

::rust::Box<::oauth2kit::bridge::Config> new_config(::rust::Str client_id) noexcept;

::rust::Box<::oauth2kit::bridge::Client> new_client(::oauth2kit::bridge::Config const &config);

::rust::Box<::oauth2kit::bridge::Authorization> authorization_from_json(::rust::Str json);

::rust::Box<::oauth2kit::bridge::Tokens> tokens_from_json(::rust::Str json);

::oauth2kit::bridge::ErrorInfo take_last_error() noexcept;

bool shutdown_runtime(::std::uint32_t timeout_ms);

::rust::Box<::oauth2kit::bridge::Store> memory_store() noexcept;

::rust::Box<::oauth2kit::bridge::Store> file_store(::rust::Str path) noexcept;

::rust::Box<::oauth2kit::bridge::Store> redis_store(::rust::Str url, ::rust::Str key);

::rust::Box<::oauth2kit::bridge::Store> cpp_store(::std::unique_ptr<::oauth2kit::bridge::StoreAdapter> adapter);

::rust::Box<::oauth2kit::bridge::SessionOptions> new_session_options() noexcept;

::rust::Box<::oauth2kit::bridge::Session> new_session(::oauth2kit::bridge::Client const &client, ::oauth2kit::bridge::SessionOptions const &options);
} // namespace bridge
} // namespace oauth2kit

#ifdef __clang__
#pragma clang diagnostic pop
#endif // __clang__
