#!/usr/bin/env bash
# Installs the Bicep CLI that CI compiles and lints infra/bicep with, from NuGet's
# Azure.Bicep.CommandLine.linux-x64 package, into .tools/bicep/ (git-ignored).
#
# Idempotent: when .tools/bicep/bicep already reports the pinned version, it returns at once.
# The package is verified against a pinned SHA-512 before anything is unpacked.
#
#   bash scripts/install-bicep.sh            # install (or confirm) the pinned version
#   BICEP_VERSION=... BICEP_NUPKG_SHA512=... bash scripts/install-bicep.sh   # another version
#
# The tests find the binary at .tools/bicep/bicep (or wherever BICEP_CLI points).
set -euo pipefail

version="${BICEP_VERSION:-0.49.2}"
# SHA-512 (base64, as NuGet's packageHash) of azure.bicep.commandline.linux-x64.0.49.2.nupkg.
pinned_sha512='kBnX0iG9wd/PWdCTwFfUvm6Jemn+5L7sY7b7HQi5k+LLwdFmrbw4y5RTLFxewCFMdBqUThiOILMa7sgzklPEAQ=='
if [[ -n "${BICEP_VERSION:-}" && "${BICEP_VERSION}" != 0.49.2 ]]; then
  pinned_sha512="${BICEP_NUPKG_SHA512:-}"
fi
package='azure.bicep.commandline.linux-x64'
feed="${NUGET_FLAT_CONTAINER:-https://api.nuget.org/v3-flatcontainer}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${repo_root}/.tools/bicep"
bin="${dest}/bicep"
stamp="${dest}/VERSION"
cache="${XDG_CACHE_HOME:-${HOME}/.cache}/clickpulse/nuget"
nupkg="${cache}/${package}.${version}.nupkg"

log() { echo "install-bicep: $*" >&2; }

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) ;;
  *) log "this script installs the linux-x64 Bicep CLI; on $(uname -s)/$(uname -m) install Bicep yourself and set BICEP_CLI"; exit 1 ;;
esac

if [[ -x "${bin}" && -f "${stamp}" && "$(cat "${stamp}")" == "${version}" ]]; then
  log "Bicep CLI ${version} already installed at ${bin#"${repo_root}/"}"
  exit 0
fi

sha512_b64() { openssl dgst -sha512 -binary "$1" | base64 -w0; }

verify() {
  local file="$1" actual
  [[ -s "${file}" ]] || return 1
  if [[ -z "${pinned_sha512}" ]]; then
    log "no SHA-512 pinned for ${version} (set BICEP_NUPKG_SHA512); accepting the package unverified"
    return 0
  fi
  actual="$(sha512_b64 "${file}")"
  if [[ "${actual}" != "${pinned_sha512}" ]]; then
    log "SHA-512 mismatch for ${file}: expected ${pinned_sha512}, got ${actual}"
    return 1
  fi
}

mkdir -p "${cache}" "${dest}"

# 1. A package NuGet already restored on this machine (dotnet's global packages folder).
restored="${NUGET_PACKAGES:-${HOME}/.nuget/packages}/${package}/${version}/${package}.${version}.nupkg"
if [[ ! -s "${nupkg}" && -s "${restored}" ]] && verify "${restored}"; then
  cp "${restored}" "${nupkg}"
fi

# 2. The NuGet v3 flat container.
if ! verify "${nupkg}" 2>/dev/null; then
  rm -f "${nupkg}"
  url="${feed}/${package}/${version}/${package}.${version}.nupkg"
  log "downloading ${url}"
  tmp="${nupkg}.part.$$"
  if curl -fsSL --retry 4 --retry-delay 3 --connect-timeout 20 -o "${tmp}" "${url}" && verify "${tmp}"; then
    mv "${tmp}" "${nupkg}"
  else
    rm -f "${tmp}"
    # 3. Let dotnet restore it (same registry, its own client and configuration).
    if command -v dotnet >/dev/null 2>&1; then
      log "direct download failed; restoring ${package} ${version} with dotnet"
      proj="$(mktemp -d)"
      trap 'rm -rf "${proj}"' EXIT
      cat >"${proj}/fetch.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[${version}]" /></ItemGroup>
</Project>
CSPROJ
      dotnet restore "${proj}/fetch.csproj" --packages "${proj}/packages" >&2
      found="${proj}/packages/${package}/${version}/${package}.${version}.nupkg"
      verify "${found}" && cp "${found}" "${nupkg}"
    fi
  fi
fi

if ! verify "${nupkg}"; then
  log "could not obtain a verified ${package} ${version}"
  exit 1
fi

# Unpack only the binary, then swap it in atomically.
work="$(mktemp -d "${dest}/.unpack.XXXXXX")"
unzip -q -o "${nupkg}" 'tools/bicep' -d "${work}"
chmod +x "${work}/tools/bicep"
reported="$("${work}/tools/bicep" --version)"
if [[ "${reported}" != *"${version}"* ]]; then
  rm -rf "${work}"
  log "the unpacked binary reports '${reported}', expected ${version}"
  exit 1
fi
mv -f "${work}/tools/bicep" "${bin}"
rm -rf "${work}"
echo "${version}" >"${stamp}"
log "installed ${reported} at ${bin#"${repo_root}/"}"
