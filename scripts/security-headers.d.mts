// Types of security-headers.mjs, the app's Content-Security-Policy and isolation headers.
export declare const CSP_REPORT_PATH: '/csp-report';
export declare const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>>;
export declare function contentSecurityPolicy(options?: { report?: boolean }): string;
export declare function metaContentSecurityPolicy(): string;
export declare const ISOLATION_HEADERS: Readonly<Record<string, string>>;
export declare function appSecurityHeaders(options?: { report?: boolean }): Record<string, string>;
