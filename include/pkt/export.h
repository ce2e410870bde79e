/* libpkt — symbol visibility.  Only declarations marked PKT_API are exported
 * from the shared library; everything else is hidden. */
#ifndef PKT_EXPORT_H
#define PKT_EXPORT_H

#if defined(PKT_STATIC_DEFINE)
#define PKT_API
#elif defined(__GNUC__) || defined(__clang__)
#define PKT_API __attribute__((visibility("default")))
#else
#define PKT_API
#endif

#if defined(__GNUC__) || defined(__clang__)
#define PKT_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define PKT_WARN_UNUSED
#endif

#endif /* PKT_EXPORT_H */
