// The service worker that lets the page load offline. It keeps every file of the page (the list
// and a version, a hash of their bytes, come from pkg/precache.js, which scripts/build-www.sh
// writes) in a cache named after that version, and answers the page's requests from it.
//
// Updates: the browser fetches this file and pkg/precache.js again when the page is loaded
// (registered with updateViaCache: 'none', so past the HTTP cache). When the files served have
// changed, precache.js holds a new version: the new worker caches the new files, takes over at
// once, and deletes the caches of older versions; the open page offers a reload.
/* global PRECACHE */
importScripts('pkg/precache.js');

const PREFIX = 'smartspec-dmg-';
const CACHE = `${PREFIX}${PRECACHE.version}`;
const SCOPE = new URL('./', self.location).href;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Fetched past the HTTP cache, so the cache holds exactly the files of this version.
    await cache.addAll(PRECACHE.files.map((f) => new Request(new URL(f, SCOPE), { cache: 'no-store' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const url = new URL(request.url);
    url.search = '';
    url.hash = '';
    // The page itself: index.html for the folder's address.
    const key = request.mode === 'navigate' && url.href === SCOPE ? new URL('index.html', SCOPE).href : url.href;
    const hit = await cache.match(key);
    return hit ?? fetch(request);
  })());
});
