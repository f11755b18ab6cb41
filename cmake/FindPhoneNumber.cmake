# libphonenumber (Debian's libphonenumber-dev) ships no CMake or pkg-config files.
# Defines PhoneNumber::PhoneNumber (parsing, formatting, types) with the offline
# geocoder (libgeocoding) and their ICU, protobuf and Abseil dependencies.
find_path(PhoneNumber_INCLUDE_DIR phonenumbers/phonenumberutil.h)
find_library(PhoneNumber_LIBRARY phonenumber)
find_library(PhoneNumber_GEOCODING_LIBRARY geocoding)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PN_ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)
pkg_check_modules(PN_PROTOBUF REQUIRED IMPORTED_TARGET protobuf)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(PhoneNumber
  REQUIRED_VARS PhoneNumber_LIBRARY PhoneNumber_GEOCODING_LIBRARY PhoneNumber_INCLUDE_DIR)
if(PhoneNumber_FOUND AND NOT TARGET PhoneNumber::PhoneNumber)
  add_library(PhoneNumber::PhoneNumber INTERFACE IMPORTED)
  set_target_properties(PhoneNumber::PhoneNumber PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${PhoneNumber_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES
      "${PhoneNumber_GEOCODING_LIBRARY};${PhoneNumber_LIBRARY};PkgConfig::PN_ICU;PkgConfig::PN_PROTOBUF;absl_synchronization")
endif()
