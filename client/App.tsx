import { Route, Router } from '@solidjs/router';
import AllQueuePage from './pages/AllQueuePage';
import AdminPage from './pages/AdminPage';
import LoginPage from './pages/LoginPage';
import NotFoundPage from './pages/NotFoundPage';
import ProjectPage from './pages/ProjectPage';
import ProjectsPage from './pages/ProjectsPage';
import SetupPage from './pages/SetupPage';
import Shell from './components/Shell';

export default function App() {
  return (
    <Router root={Shell}>
      <Route path="/setup" component={SetupPage} />
      <Route path="/login" component={LoginPage} />
      <Route path="/" component={ProjectsPage} />
      <Route path="/admin" component={AdminPage} />
      <Route path="/queue" component={AllQueuePage} />
      <Route path="/p/*path" component={ProjectPage} />
      <Route path="*" component={NotFoundPage} />
    </Router>
  );
}
