// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // better-sqlite3 and pg are native/server-only: let Node require them at run time.
  serverExternalPackages: ['better-sqlite3', 'pg'],
};

module.exports = nextConfig;
