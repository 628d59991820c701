import { Route, Router } from '@solidjs/router';
import AllQueuePage from './pages/AllQueuePage';
import CustomerPage from './pages/CustomerPage';
import AdminPage from './pages/AdminPage';
import LoginPage from './pages/LoginPage';
import NotFoundPage from './pages/NotFoundPage';
import ProjectPage from './pages/ProjectPage';
import ProjectsPage from './pages/ProjectsPage';
import SetupPage from './pages/SetupPage';
import Shell from './components/Shell';
import AcceptInvitationPage from './pages/AcceptInvitationPage';
import AuditPage from './pages/AuditPage';
import ConfirmEmailPage from './pages/ConfirmEmailPage';
import ForgotPasswordPage from './pages/ForgotPasswordPage';
import ProfilePage from './pages/ProfilePage';
import ResetPasswordPage from './pages/ResetPasswordPage';

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
