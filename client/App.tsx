import { Route, Router } from '@solidjs/router';
import { lazy } from 'solid-js';
import LoginPage from './pages/LoginPage';
import NotFoundPage from './pages/NotFoundPage';
import ProjectPage from './pages/ProjectPage';
import ProjectsPage from './pages/ProjectsPage';
import Shell from './components/Shell';

// Loaded when first visited: a queue or a ticket, what people open all day, loads none of them.
const AllQueuePage = lazy(() => import('./pages/AllQueuePage'));
const CustomerPage = lazy(() => import('./pages/CustomerPage'));
const AdminPage = lazy(() => import('./pages/AdminPage'));
const SetupPage = lazy(() => import('./pages/SetupPage'));
const AcceptInvitationPage = lazy(() => import('./pages/AcceptInvitationPage'));
const AuditPage = lazy(() => import('./pages/AuditPage'));
const ConfirmEmailPage = lazy(() => import('./pages/ConfirmEmailPage'));
const ForgotPasswordPage = lazy(() => import('./pages/ForgotPasswordPage'));
const ProfilePage = lazy(() => import('./pages/ProfilePage'));
const ResetPasswordPage = lazy(() => import('./pages/ResetPasswordPage'));

export default function App() {
  return (
    <Router root={Shell}>
      <Route path="/setup" component={SetupPage} />
      <Route path="/login" component={LoginPage} />
      <Route path="/" component={ProjectsPage} />
      <Route path="/forgot-password" component={ForgotPasswordPage} />
      <Route path="/reset-password/:token" component={ResetPasswordPage} />
      <Route path="/invite/:token" component={AcceptInvitationPage} />
      <Route path="/confirm-email/:token" component={ConfirmEmailPage} />
      <Route path="/profile" component={ProfilePage} />
      <Route path="/admin" component={AdminPage} />
      <Route path="/admin/audit" component={AuditPage} />
      <Route path="/queue" component={AllQueuePage} />
      <Route path="/customers/:id" component={CustomerPage} />
      <Route path="/p/*path" component={ProjectPage} />
      <Route path="*" component={NotFoundPage} />
    </Router>
  );
}
