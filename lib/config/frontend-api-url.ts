/**
 * The public API URL baked into the frontend's browser bundle (`NEXT_PUBLIC_API_URL`), and the rule across
 * environments that keeps one frontend image from serving two API URLs.
 */

/** The public API URL the frontend's browser bundle calls. */
export function frontendApiUrl(c: { ingress: { apiHost: string } }): string {
  return `https://${c.ingress.apiHost}`;
}

/**
 * `NEXT_PUBLIC_API_URL` is inlined into the browser bundle by `next build`: one frontend image serves
 * exactly one API URL. Two environments that run the same frontend image (registry and tag) with different
 * API hosts would send one environment's browsers to the other's API, unless both declare an image that
 * reads the URL at run time (`frontend.runtimeApiUrl: true`).
 */
export function frontendApiUrlProblems(envs: { name: string; file: string; config: any }[]): string[] {
  const problems: string[] = [];
  for (let i = 0; i < envs.length; i++) {
    for (let j = i + 1; j < envs.length; j++) {
      const a = envs[i];
      const b = envs[j];
      const imgA = `${a.config.registry}/${a.config.frontend.image}`;
      const imgB = `${b.config.registry}/${b.config.frontend.image}`;
      if (imgA !== imgB) continue;
      const urlA = frontendApiUrl(a.config);
      const urlB = frontendApiUrl(b.config);
      if (urlA === urlB) continue;
      if (a.config.frontend.runtimeApiUrl && b.config.frontend.runtimeApiUrl) continue;
      const which = [a, b].filter((e) => !e.config.frontend.runtimeApiUrl).map((e) => e.file).join(' and ');
      problems.push(`${b.file}: frontend.image: ${imgB} is also the frontend image of ${a.file}, but NEXT_PUBLIC_API_URL differs (${urlB} vs ${urlA}) and next build bakes it into the bundle (allowed: a frontend image per API host, or frontend.runtimeApiUrl: true in ${which} for an image that reads the URL at run time)`);
    }
  }
  return problems;
}
