import { A } from '@solidjs/router';
import { usePageTitle } from '../lib/page-title';

export default function NotFoundPage() {
  usePageTitle(() => 'Page not found');
  return (
    <section class="empty">
      <h1>Page not found</h1>
      <p>
        <A href="/">Back to your projects</A>
      </p>
    </section>
  );
}
